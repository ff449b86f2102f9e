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


def test_lapse_job_records_each_lapse_once_the_day_after_due_date_plus_grace(db):
    from endorsement.models import EndorsementTerm, RuleSet
    from endorsement.services import rules_ensure_default
    from endorsement.tasks import lapse_endorsements

    rules_ensure_default()
    rule_set = RuleSet.objects.filter(category="infant_family_specialist").first()
    due_on = (T0 + datetime.timedelta(days=10)).date()
    with on_day(0):
        endorsement = EndorsementFactory(expires_on=due_on + datetime.timedelta(days=rule_set.grace_days))
        term = EndorsementTerm.objects.create(
            endorsement=endorsement, rule_set=rule_set, first_issued_on=T0.date(), due_on=due_on
        )
    with on_day(10 + rule_set.grace_days):
        run_twice(lapse_endorsements)
    term.refresh_from_db()
    assert term.lapsed_at is None, "valid through due date plus grace"
    with on_day(11 + rule_set.grace_days):
        run_twice(lapse_endorsements)
    with on_day(12 + rule_set.grace_days):
        run_twice(lapse_endorsements)
    term.refresh_from_db()
    assert term.lapsed_at == T0 + datetime.timedelta(days=11 + rule_set.grace_days), (
        "recorded once, first day"
    )
    runs = JobRun.objects.filter(job="lapse_endorsements", ok=True).order_by("started_at", "id")
    assert [run.detail for run in runs] == ["{'lapsed': 0}"] * 2 + ["{'lapsed': 1}"] + ["{'lapsed': 0}"] * 3
    endorsement.refresh_from_db()
    assert endorsement.status == "lapsed" and endorsement.effective_status() == "expired"
    assert not endorsement.is_shown_as_endorsed
    assert list(endorsement.reviews.values_list("action", flat=True)) == ["lapsed"], "recorded once"


def test_a_lapsed_endorsement_comes_back_only_through_reinstatement(db):
    from directory.services import endorsement_set_status
    from endorsement.models import EndorsementTerm, RuleSet
    from endorsement.services import rules_ensure_default, term_reinstate, terms_lapse_overdue
    from referral_hub.errors import ApplicationError

    rules_ensure_default()
    rule_set = RuleSet.objects.filter(category="infant_family_specialist").first()
    curator = User.objects.create_user("cur2", is_staff=True)
    with on_day(0):
        endorsement = EndorsementFactory(expires_on=(T0 + datetime.timedelta(days=400)).date())
        EndorsementTerm.objects.create(
            endorsement=endorsement, rule_set=rule_set, first_issued_on=T0.date(), due_on=T0.date()
        )
    with on_day(rule_set.grace_days + 1):
        assert terms_lapse_overdue() == 1
        endorsement.refresh_from_db()
        assert not endorsement.is_shown_as_endorsed, "lapsed, though its stored expiry is months away"
        with pytest.raises(ApplicationError) as refused:
            endorsement_set_status(actor=curator, endorsement_id=endorsement.pk, status="verified")
        assert refused.value.code == "endorsement_lapsed"
        term_reinstate(
            actor=curator,
            endorsement_id=endorsement.pk,
            due_on=(T0 + datetime.timedelta(days=200)).date(),
            note="Hours verified late.",
        )
        endorsement.refresh_from_db()
        assert endorsement.is_shown_as_endorsed


def test_seal_job_seals_new_rows_once_and_a_repeat_writes_no_seal(db):
    from audit.models import AuditSeal
    from audit.services import audit_record, verify_log
    from audit.tasks import seal_audit
    from tests.factories.base import UserFactory
    from tests.factories.families import ChildFactory

    reader, child = UserFactory(), ChildFactory()
    with on_day(0):
        audit_record(actor=reader, action="view", child=child)
        run_twice(seal_audit)
    assert AuditSeal.objects.count() == 1
    with on_day(1):
        run_twice(seal_audit)
    assert AuditSeal.objects.count() == 1, "nothing new: no new seal"
    with on_day(2):
        audit_record(actor=reader, action="view", child=child)
        run_twice(seal_audit)
    seals = list(AuditSeal.objects.order_by("id"))
    assert len(seals) == 2 and seals[1].prev_mac == seals[0].mac
    assert seals[1].at == T0 + datetime.timedelta(days=2)
    assert set(seals[1].heads) == {f"child:{child.pk}"}
    with on_day(30):
        assert verify_log().intact, "every row sealed: nothing reported as unsealed too long"
    assert JobRun.objects.filter(job="seal_audit", ok=True).count() == 6


def test_every_beat_entry_names_a_registered_task():
    from referral_hub.celery import app

    app.loader.import_default_modules()
    # The schedule the Celery app runs: what the apps registered in their ready().
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)
    assert {
        "audit.tasks.seal_audit",
        "endorsement.tasks.lapse_endorsements",
        "endorsement.tasks.tell_renewal_due",
        "outbox.tasks.deliver_outbox",
        "consent.tasks.expire_consents",
        "consent.tasks.notify_expiring_consents",
        "consent.tasks.notify_refused_attempts",
        "consent.tasks.recheck_ended_authorities",
        "directory.tasks.remind_endorsement_expiry",
        "directory.tasks.request_listing_confirmation",
        "referrals.tasks.remind_part_c_clocks",
        "indicators.tasks.refresh_indicator_rollups",
        "groups.tasks.remind_group_sessions",
    } <= scheduled
