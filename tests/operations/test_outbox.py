"""Notifications are never lost and never sent twice: an SMTP outage only delays mail."""

from __future__ import annotations

import datetime
import time
from collections import Counter

import time_machine
from django.utils import timezone

from outbox import services as outbox
from outbox.models import OutboxMessage, OutboxStatus
from outbox.tasks import deliver_outbox
from tests.factories.referrals import referral_world, send


def test_fifty_referrals_sent_while_smtp_is_down_all_arrive_once_it_is_up(
    db, smtp, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_BASE_BACKOFF_S = 1  # the first retry is due a second after the failure
    world = referral_world()
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        referrals = [send(world) for _ in range(50)]
    # Each commit kicked delivery; the server was down, so nothing left.
    assert smtp.mailbox.messages == []
    pending = OutboxMessage.objects.filter(channel="email", kind="referral")
    assert pending.count() == 50
    assert all(m.status == OutboxStatus.PENDING and m.attempts >= 1 for m in pending)
    assert all(m.next_attempt_at > start for m in pending), "backoff: not retried at once"
    assert "ConnectionRefusedError" in pending[0].last_error

    smtp.up()
    # Wait until every retry is due (the backoff so far: 1 s, then 2 s; later rows were
    # sent later, so on a busy machine the last one falls due later too).
    due = max(m.next_attempt_at for m in pending.all())
    time.sleep(max(0.0, (due - timezone.now()).total_seconds()) + 0.1)
    deliver_outbox.apply()
    deliver_outbox.apply()  # a second sweep finds nothing left to send

    # The recipient's e-mails (each family also hears of each referral: issue 25).
    to_recipient = [m for m in smtp.mailbox.messages if m["To"] == world.recipient.user.email]
    assert len(smtp.mailbox.messages) == 100
    links = Counter(
        line.rsplit(" ", 1)[-1]
        for m in to_recipient
        for line in m.get_payload().splitlines()
        if "/referrals/" in line
    )
    assert sorted(links) == sorted(f"{settings.SITE_URL}/referrals/{r.pk}/" for r in referrals)
    assert set(links.values()) == {1}, "no e-mail arrives twice"
    assert all("referral" in m["Subject"].lower() for m in smtp.mailbox.messages)
    assert all(world.child.first_name not in m.as_string() for m in smtp.mailbox.messages)
    assert OutboxMessage.objects.filter(kind="referral", status=OutboxStatus.SENT).count() == 50


def test_backoff_doubles_and_is_capped(settings):
    settings.OUTBOX_BASE_BACKOFF_S = 5
    settings.OUTBOX_MAX_BACKOFF_S = 300
    assert [outbox.backoff_seconds(n) for n in range(1, 9)] == [5, 10, 20, 40, 80, 160, 300, 300]


def test_a_row_that_keeps_failing_waits_for_staff_and_is_not_dropped(db, smtp, settings, admin_client):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    outbox.outbox_email(key="t:1", to_address="a@example.test", subject="Hello", body="x", kind="test")
    now = timezone.now()
    for attempt in range(3):
        with time_machine.travel(now + datetime.timedelta(seconds=400 * (attempt + 1)), tick=False):
            deliver_outbox.apply()
    row = OutboxMessage.objects.get(key="t:1")
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 3)
    page = admin_client.get("/admin/outbox/outboxmessage/?status__exact=failed")
    assert page.status_code == 200 and "a@example.test" in page.content.decode()
    # Staff requeue it once the mail server is back: it arrives.
    smtp.up()
    assert outbox.outbox_requeue(message_ids=[row.pk]) == 1
    deliver_outbox.apply()
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert [m["Subject"] for m in smtp.mailbox.messages] == ["Hello"]


def test_the_same_notification_key_is_stored_once(db):
    first = outbox.outbox_email(key="k", to_address="a@example.test", subject="s", body="b", kind="t")
    again = outbox.outbox_email(key="k", to_address="a@example.test", subject="s", body="b", kind="t")
    assert first is not None and again is None
    assert OutboxMessage.objects.filter(key="k").count() == 1


def test_the_recipients_language_is_stored_with_the_row(db):
    outbox.outbox_email(
        key="es", to_address="b@example.test", subject="Nueva remisión", body="b", kind="t", language="es"
    )
    assert OutboxMessage.objects.get(key="es").language == "es"
