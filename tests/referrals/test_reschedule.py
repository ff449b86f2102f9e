"""Appointments in the future only, and moving one: ``appointment_in_past`` on schedule
and reschedule, ``POST /api/v1/referrals/{id}/reschedule/`` for the recipient of a
scheduled referral (a timeline entry, notices to the family and the referrer in their
language), refused for everyone else; the page action reads local times."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from outbox.models import OutboxMessage
from people.preferences import update_preferences
from referrals.models import Referral
from tests.factories.referrals import send
from tests.referrals.conftest import advance

pytestmark = pytest.mark.django_db


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _in(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def test_scheduling_in_the_past_is_refused_and_changes_nothing(world, as_user):
    referral = advance(world, send(world), "accepted")
    api = as_user(world.recipient.user)
    response = api.post(
        f"/api/v1/referrals/{referral.pk}/schedule/",
        {"appointment_at": "2020-01-01T10:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "appointment_in_past"
    assert response.json()["field"] == "appointment_at"
    referral.refresh_from_db()
    assert (referral.status, referral.appointment_at) == ("accepted", None)


def test_the_recipient_reschedules_and_everyone_is_told(world, as_user):
    referral = advance(world, send(world), "scheduled")
    update_preferences(world.guardian.user, preferred_language="es")
    first = referral.appointment_at
    new_time = _in(9).replace(second=0, microsecond=0)
    response = as_user(world.recipient.user).post(
        f"/api/v1/referrals/{referral.pk}/reschedule/",
        {"appointment_at": _iso(new_time), "reason": "The clinician is out that day."},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "scheduled"
    assert body["appointment_at"] == _iso(new_time)  # the API answers in UTC with an offset
    last = body["timeline"][-1]
    assert (last["from_status"], last["to_status"]) == ("scheduled", "scheduled")
    assert last["note"] == "The clinician is out that day."
    assert last["previous_appointment_at"] == _iso(first)
    assert last["appointment_at"] == _iso(new_time)
    assert "reschedule" in body["actions"]

    mails = {
        m.recipient_id: m for m in OutboxMessage.objects.filter(channel="email", key__contains="rescheduled")
    }
    assert set(mails) == {world.referrer.user.pk, world.guardian.user.pk}
    family_mail = mails[world.guardian.user.pk]
    assert family_mail.language == "es"
    assert "cita" in family_mail.subject
    assert "/portal/referrals/" in family_mail.body
    assert world.child.first_name not in family_mail.body + family_mail.subject  # links only
    assert mails[world.referrer.user.pk].subject == "An appointment was rescheduled on Referral Hub"
    notices = OutboxMessage.objects.filter(channel="in_app", kind="referral.rescheduled")
    assert set(notices.values_list("recipient_id", flat=True)) == {
        world.referrer.user.pk,
        world.guardian.user.pk,
    }
    labels = {n.recipient_id: n.payload["label"] for n in notices}
    assert labels[world.guardian.user.pk] == f"Nueva fecha para la remisión #{referral.pk}"
    assert labels[world.referrer.user.pk] == f"Referral #{referral.pk} rescheduled"
    assert "Inicie sesión para verla" in family_mail.body
    assert AuditEvent.objects.filter(child_id=world.child.pk, detail__startswith="rescheduled").exists()


def test_rescheduling_into_the_past_is_refused_and_keeps_the_appointment(world, as_user):
    referral = advance(world, send(world), "scheduled")
    before = referral.appointment_at
    response = as_user(world.recipient.user).post(
        f"/api/v1/referrals/{referral.pk}/reschedule/",
        {"appointment_at": _iso(timezone.now() - datetime.timedelta(hours=1)), "reason": "oops"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "appointment_in_past"
    referral.refresh_from_db()
    assert referral.appointment_at == before
    assert referral.events.count() == 3  # sent, accepted, scheduled: nothing added


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("referrer", 403, "not_allowed"),
        ("guardian", 403, "not_allowed"),
        ("outsider", 404, "not_found"),
        ("anonymous", 403, "not_authenticated"),
    ],
)
def test_only_the_recipient_may_reschedule(world, as_user, who, status, code):
    from tests.factories.directory import ProviderFactory

    referral = advance(world, send(world), "scheduled")
    users = {
        "referrer": world.referrer.user,
        "guardian": world.guardian.user,
        "outsider": ProviderFactory().user,
        "anonymous": None,
    }
    response = as_user(users[who]).post(
        f"/api/v1/referrals/{referral.pk}/reschedule/",
        {"appointment_at": _iso(_in(5)), "reason": "x"},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Referral.objects.get(pk=referral.pk).appointment_at == referral.appointment_at


@pytest.mark.parametrize("status", ["sent", "accepted", "completed", "cancelled"])
def test_reschedule_needs_a_scheduled_referral(world, as_user, status):
    referral = advance(world, send(world), status)
    response = as_user(world.recipient.user).post(
        f"/api/v1/referrals/{referral.pk}/reschedule/",
        {"appointment_at": _iso(_in(5)), "reason": "x"},
        format="json",
    )
    if status == "cancelled":
        # A cancelled referral stays readable by the recipient: still the wrong state.
        assert response.status_code in (404, 409)
    else:
        assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")


def test_the_page_reads_the_time_in_the_readers_zone_and_labels_it(world, client):
    referral = advance(world, send(world), "scheduled")
    update_preferences(world.recipient.user, time_zone="America/Chicago")
    client.force_login(world.recipient.user)
    local = timezone.localtime(_in(12), timezone=datetime.timezone(datetime.timedelta(hours=-6)))
    typed = local.strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/referrals/{referral.pk}/reschedule/", {"appointment_at": typed, "reason": "Snow day."}, follow=True
    )
    assert response.status_code == 200
    referral.refresh_from_db()
    import zoneinfo

    chicago = zoneinfo.ZoneInfo("America/Chicago")
    assert referral.appointment_at.astimezone(chicago).strftime("%Y-%m-%dT%H:%M") == typed
    html = response.content.decode()
    assert "moved to" in html  # the message says what happened
    shown = referral.appointment_at.astimezone(chicago)
    label = shown.strftime("%b %Y, ").lstrip("0") + shown.strftime("%I:%M %p %Z").lstrip("0")
    assert label in html, label
    assert "UTC" not in html
    assert "America/Chicago" in html  # the reschedule form names the reader's zone


def _reschedule(world, as_user, referral, days: int):
    response = as_user(world.recipient.user).post(
        f"/api/v1/referrals/{referral.pk}/reschedule/",
        {"appointment_at": _iso(_in(days)), "reason": "Moved again."},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response


def test_a_referrer_whose_consent_ended_is_not_told_the_new_time_anywhere(
    world, as_user, inbox_of, django_capture_on_commit_callbacks
):
    """Issue 23, finding 3: the family revoked the referrer's consent; the referral is a
    stub for them, so the reschedule reaches them by no exit: no notice in the notice
    centre (nor its socket push), no e-mail, nothing with the time."""
    from tests.referrals.conftest import revoke

    referral = advance(world, send(world), "scheduled")
    revoke(world, world.consents["referrer"])
    socket = inbox_of(world.referrer.user.pk)
    with django_capture_on_commit_callbacks(execute=True):
        _reschedule(world, as_user, referral, 12)
    referral.refresh_from_db()
    assert not OutboxMessage.objects.filter(
        recipient=world.referrer.user, key__contains="rescheduled"
    ).exists()
    pushed = [e for e in socket.drain() if e["type"] == "notify"]
    assert [e for e in pushed if "rescheduled" in str(e)] == []
    notices = as_user(world.referrer.user).get("/api/v1/notices/").content.decode()
    assert "rescheduled" not in notices
    stamp = referral.appointment_at.astimezone(datetime.UTC).isoformat()[:16]
    assert stamp not in notices
    # The family, whose child it is, is still told.
    assert OutboxMessage.objects.filter(
        recipient=world.guardian.user, channel="email", key__contains="rescheduled"
    ).exists()


def test_thirty_three_reschedules_send_one_email_and_one_notice_per_person(world, as_user):
    """Issue 23, finding 9: 33 reschedules in a row had sent 33 e-mails to the family
    and the referrer. Within the window each person gets one e-mail and one notice (a
    link only: the page shows the time in force)."""
    referral = advance(world, send(world), "scheduled")
    for day in range(33):
        _reschedule(world, as_user, referral, 3 + day)
    rows = OutboxMessage.objects.filter(key__contains=f"referral:{referral.pk}:rescheduled:")
    for user in (world.guardian.user, world.referrer.user):
        assert rows.filter(recipient=user, channel="email").count() == 1
        assert rows.filter(recipient=user, channel="in_app").count() == 1
    assert referral.events.filter(note="Moved again.").count() == 33  # the timeline keeps each


def test_a_reschedule_after_the_window_is_told_again(world, as_user):
    referral = advance(world, send(world), "scheduled")
    _reschedule(world, as_user, referral, 5)
    OutboxMessage.objects.filter(key__contains="rescheduled").update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    _reschedule(world, as_user, referral, 6)
    mails = OutboxMessage.objects.filter(
        recipient=world.guardian.user, channel="email", key__contains="rescheduled"
    )
    assert mails.count() == 2
