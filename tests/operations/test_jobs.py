"""Scheduled jobs, each run against a frozen clock and run twice: they remind once."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User

from consent.models import ConsentEvent
from consent.tasks import expire_consents, notify_expiring_consents
from directory.tasks import remind_endorsement_expiry
from outbox.models import JobRun, OutboxMessage
from referrals.tasks import remind_part_c_clocks
from tests.factories.directory import EndorsementFactory, ProviderFactory
from tests.factories.referrals import referral_world, send

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def on_day(day: float) -> time_machine.travel:
    return time_machine.travel(T0 + datetime.timedelta(days=day), tick=False)


def run_twice(task) -> None:  # type: ignore[no-untyped-def]
    task.apply()
    task.apply()


def mails(kind: str) -> list[tuple[str, str]]:
    return list(
        OutboxMessage.objects.filter(channel="email", kind=kind)
        .order_by("id")
        .values_list("to_address", "subject")
    )


@pytest.fixture
def world(db):
    with on_day(-30):
        return referral_world()


def test_part_c_contact_clock_reminds_the_recipient_on_day_5_and_the_referrer_on_day_8(world):
    with on_day(0):
        referral = send(world, urgency="routine")  # Part C's 7 / 45 days
    with on_day(4.9):
        run_twice(remind_part_c_clocks)
    assert mails("referral.clock") == []
    with on_day(5):
        run_twice(remind_part_c_clocks)
    recipient, referrer = world.recipient.user.email, world.referrer.user.email
    assert mails("referral.clock") == [(recipient, "Reminder: a referral is waiting for first contact")]
    with on_day(8):
        run_twice(remind_part_c_clocks)
    with on_day(9):
        run_twice(remind_part_c_clocks)
    assert mails("referral.clock")[1:] == [(referrer, "A referral you sent is overdue for first contact")]
    body = OutboxMessage.objects.filter(kind="referral.clock").last().body
    assert f"/referrals/{referral.pk}/" in body and world.child.first_name not in body
    # The recipient's in-app notification is there too, once.
    assert OutboxMessage.objects.filter(kind="referral.clock.contact.reminder", channel="in_app").count() == 1


def test_part_c_appointment_clock_reminds_once_and_tells_the_referrer_when_overdue(world):
    from referrals.services import referral_accept

    with on_day(0):
        referral = send(world, urgency="routine")
    with on_day(2):
        referral_accept(actor=world.recipient.user, referral_id=referral.pk)
    with on_day(10):
        run_twice(remind_part_c_clocks)
    assert mails("referral.clock") == [], "answered in time: no contact reminders"
    with on_day(38):
        run_twice(remind_part_c_clocks)
    with on_day(46):
        run_twice(remind_part_c_clocks)
    with on_day(60):
        run_twice(remind_part_c_clocks)
    assert mails("referral.clock") == [
        (world.recipient.user.email, "Reminder: a referral needs an appointment"),
        (world.referrer.user.email, "A referral you sent has no appointment yet"),
    ]
    assert JobRun.objects.filter(job="remind_part_c_clocks", ok=True).count() == 8


def test_a_scheduled_referral_gets_no_appointment_reminder(world):
    from tests.referrals.conftest import advance

    with on_day(0):
        referral = send(world)
    with on_day(1):
        advance(world, referral, "scheduled")
    with on_day(50):
        run_twice(remind_part_c_clocks)
    assert mails("referral.clock") == []


def world_with_consent_ending_on(day: int):  # type: ignore[no-untyped-def]
    """Consent rows are immutable (on PostgreSQL, in the database): grant it that way."""
    with on_day(-30):
        return referral_world(recipient_scope={"expires_on": (T0 + datetime.timedelta(days=day)).date()})


def test_the_guardian_is_told_once_14_days_before_a_consent_ends(db):
    world = world_with_consent_ending_on(20)
    with on_day(5):
        run_twice(notify_expiring_consents)
    assert mails("consent.expiring") == []
    with on_day(6):
        run_twice(notify_expiring_consents)
    with on_day(12):
        run_twice(notify_expiring_consents)
    notices = OutboxMessage.objects.filter(kind="consent.expiring", channel="email")
    assert list(notices.values_list("to_address", flat=True)) == [world.guardian.user.email]
    assert f"/portal/children/{world.child.pk}/share/" in notices[0].body, "a link to renew"
    assert world.child.first_name not in notices[0].body


def test_expire_consents_records_each_expiry_once(db):
    world = world_with_consent_ending_on(3)
    consent = world.consents["recipient"]
    with on_day(3):
        run_twice(expire_consents)
    assert not ConsentEvent.objects.filter(consent=consent, kind="expired").exists(), (
        "valid through its last day"
    )
    with on_day(4):
        run_twice(expire_consents)
    assert ConsentEvent.objects.filter(consent=consent, kind="expired").count() == 1


def test_endorsement_reminders_at_60_30_and_7_days_and_a_curator_digest(db):
    with on_day(0):
        provider = ProviderFactory()
        endorsement = EndorsementFactory(
            provider=provider, expires_on=(T0 + datetime.timedelta(days=70)).date()
        )
    curator = User.objects.create_user("cur", email="cur@example.test", is_staff=True)
    for day in (5, 10, 11, 39, 40, 41, 62, 63, 63.5, 70, 71, 71.5):
        with on_day(day):
            remind_endorsement_expiry.apply()
    subjects = [subject for _, subject in mails("endorsement.expiring")]
    assert subjects == [f"Your endorsement expires in {d} days or less" for d in (60, 30, 7)]
    assert {to for to, _ in mails("endorsement.expiring")} == {provider.user.email}
    digests = OutboxMessage.objects.filter(kind="endorsement.digest")
    assert [(d.to_address, d.subject) for d in digests] == [
        (curator.email, f"1 endorsement(s) expired after {endorsement.expires_on.isoformat()}")
    ]
    assert provider.name in digests[0].body
