"""Finding 7 (issue 23): no usable one-time link at rest in the outbox. A password
reset, an account confirmation, an invitation and a reference request are queued with a
mark where the link goes; the link is made when the mail is sent. Read straight from the
outbox table, pending and failed rows hold no link; the e-mail the (real, local) SMTP
server receives carries one that works."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection

from endorsement.services import application_create, reference_request, rules_ensure_default
from families.services import guardian_register, invitation_create
from outbox.models import REDACTED_BODY, OutboxMessage, OutboxStatus
from outbox.services import outbox_requeue
from outbox.tasks import deliver_outbox
from tests.factories.directory import ProviderFactory
from tests.mailserver import text_of, wait_for_mail

pytestmark = pytest.mark.django_db

LINK_PATHS = ("/accounts/password/reset/", "/accounts/confirm/", "/invitations/", "/references/")
KINDS = {"password_reset", "account.confirm", "invitation", "endorsement.reference"}


def _rows_as_stored() -> list[str]:
    """Every column of every one-time mail's row, read with SQL (no model code)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM outbox_outboxmessage WHERE kind IN (%s, %s, %s, %s)", sorted(KINDS))
        return [" ".join(str(value) for value in row) for row in cursor.fetchall()]


def _links_in(text: str) -> list[str]:
    return [url for url in re.findall(r"https?://\S+", text) if any(p in url for p in LINK_PATHS)]


def _queue_one_of_each(client) -> None:  # type: ignore[no-untyped-def]
    User.objects.create_user("resetme", "resetme@example.test", "an-old-secret-2026")
    assert client.post("/accounts/password/reset/", {"email": "resetme@example.test"}).status_code == 302
    guardian_register(
        email="newparent@example.test",
        password="a-long-secret-2026",
        password2="a-long-secret-2026",
        first_name="Robin",
        last_name="Vale",
    )
    visitor = ProviderFactory(discipline="home_visitor")
    invitation_create(
        actor=visitor.user,
        family_name="",
        guardian_email="invited@example.test",
        child_first_name="Noa",
        child_last_name="Lind",
        child_date_of_birth=datetime.date(2025, 5, 5),
    )
    rules_ensure_default()
    applicant = ProviderFactory(name="Avery Applicant")
    application = application_create(actor=applicant.user, category="infant_family_associate")
    reference_request(
        actor=applicant.user, application_id=application.pk, name="Pat Doe", email="pat@example.test"
    )


def test_pending_and_failed_rows_hold_no_link_and_the_delivered_mail_carries_a_working_one(
    client, smtp, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    _queue_one_of_each(client)
    pending = _rows_as_stored()
    assert len(pending) == 4
    assert [_links_in(row) for row in pending] == [[]] * 4, "pending rows hold no link"

    deliver_outbox.apply()  # the mail server is down: each row fails for good
    assert set(OutboxMessage.objects.filter(kind__in=KINDS).values_list("status", flat=True)) == {
        OutboxStatus.FAILED
    }
    assert [_links_in(row) for row in _rows_as_stored()] == [[]] * 4, "failed rows hold no link"

    # Staff requeue them once the server is back: the mail delivered carries a fresh link.
    smtp.up()
    outbox_requeue(
        message_ids=list(OutboxMessage.objects.filter(kind__in=KINDS).values_list("pk", flat=True))
    )
    deliver_outbox.apply()
    received = {m["To"]: text_of(m) for m in wait_for_mail(smtp, 4)}
    links = {to: _links_in(body) for to, body in received.items()}
    assert all(len(found) == 1 for found in links.values()), links
    assert [_links_in(row) for row in _rows_as_stored()] == [[]] * 4, "sent rows hold no link"

    def path(to: str) -> str:
        return "/" + links[to][0].split("://", 1)[1].split("/", 1)[1]

    reset = client.get(path("resetme@example.test"), follow=True)
    assert 'name="new_password1"' in reset.content.decode(), "the reset link opens the new-password form"
    assert (
        client.post(
            reset.request["PATH_INFO"],
            {"new_password1": "a-new-secret-2026!", "new_password2": "a-new-secret-2026!"},
        ).status_code
        == 302
    )
    assert User.objects.get(username="resetme").check_password("a-new-secret-2026!")

    client.get(path("newparent@example.test"), follow=True)
    assert User.objects.get(username="newparent@example.test").is_active, "the confirmation link activated"

    invitation = client.get(path("invited@example.test"))
    assert invitation.status_code == 200 and 'name="password2"' in invitation.content.decode()
    client.logout()
    secret = "an-invited-secret-2026"
    accepted = client.post(
        path("invited@example.test"),
        {"first_name": "Ines", "last_name": "Lind", "password": secret, "password2": secret},
    )
    assert accepted.status_code == 302
    assert User.objects.get(username="invited@example.test").check_password(secret)
    client.logout()

    answer = client.get(path("pat@example.test"))
    assert answer.status_code == 200 and "Avery Applicant" in answer.content.decode()


def test_a_failed_row_queued_with_its_link_in_the_body_is_redacted(smtp, settings):
    """Rows queued before links were minted at send time (the link in the body) are
    redacted when they fail, like sent ones."""
    settings.OUTBOX_MAX_ATTEMPTS = 1
    OutboxMessage.objects.create(
        key="legacy:reset",
        channel="email",
        to_address="old@example.test",
        kind="password_reset",
        subject="Reset",
        body="http://127.0.0.1:8000/accounts/password/reset/MQ/abc-123/",
        one_time_link=True,
    )
    deliver_outbox.apply()
    row = OutboxMessage.objects.get(key="legacy:reset")
    assert (row.status, row.body) == (OutboxStatus.FAILED, REDACTED_BODY)
