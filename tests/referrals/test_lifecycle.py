"""The loop closes: sent -> received -> accepted -> scheduled -> completed, with a
timeline row per step that the referrer, the recipient and the guardian all see."""

from __future__ import annotations

import pytest

from referrals.models import ReferralStatus
from referrals.services import TRANSITIONS
from tests.factories.referrals import send
from tests.referrals.conftest import advance

pytestmark = pytest.mark.django_db

BODIES = {
    "accept": {},
    "decline": {"decline_reason": "no_capacity", "note": "Waitlist is full."},
    "schedule": {"appointment_at": "2030-12-01T15:30:00Z"},
    "complete": {"outcome": "connected", "note": "Family started dyadic therapy."},
    "cancel": {"reason": "Family moved away."},
}


def test_the_whole_loop_from_sending_to_outcome(world, as_user, django_capture_on_commit_callbacks):
    referral = send(world)
    recipient, referrer = as_user(world.recipient.user), as_user(world.referrer.user)

    # The referrer looking does not count as receipt; the recipient's first open does.
    assert referrer.get(f"/api/v1/referrals/{referral.pk}/").json()["status"] == "sent"
    opened = recipient.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert opened["status"] == "received"
    assert opened["your_role"] == "recipient"
    assert opened["actions"] == ["accept", "decline"]
    assert recipient.get(f"/api/v1/referrals/{referral.pk}/").json()["status"] == "received"

    assert (
        recipient.post(f"/api/v1/referrals/{referral.pk}/accept/", {}, format="json").json()["status"]
        == "accepted"
    )
    scheduled = recipient.post(
        f"/api/v1/referrals/{referral.pk}/schedule/", BODIES["schedule"], format="json"
    )
    assert scheduled.json()["appointment_at"] == "2030-12-01T15:30:00Z"
    done = recipient.post(
        f"/api/v1/referrals/{referral.pk}/complete/", BODIES["complete"], format="json"
    ).json()
    assert done["status"] == "completed"
    assert done["actions"] == []

    for user in (world.referrer.user, world.recipient.user, world.guardian.user):
        seen = as_user(user).get(f"/api/v1/referrals/{referral.pk}/").json()
        assert seen["outcome"] == "connected"
        assert seen["outcome_note"] == "Family started dyadic therapy."
        timeline = [(e["from_status"], e["to_status"]) for e in seen["timeline"]]
        assert timeline == [
            ("", "sent"),
            ("sent", "received"),
            ("received", "accepted"),
            ("accepted", "scheduled"),
            ("scheduled", "completed"),
        ]
        assert all(e["actor"]["id"] for e in seen["timeline"])


def test_accepting_straight_from_sent_records_receipt(world, as_user):
    referral = send(world)
    response = as_user(world.recipient.user).post(
        f"/api/v1/referrals/{referral.pk}/accept/", {}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["received_at"] is not None


def test_declining_needs_a_known_reason(world, as_user):
    referral = send(world)
    client = as_user(world.recipient.user)
    assert client.post(f"/api/v1/referrals/{referral.pk}/decline/", {}, format="json").status_code == 400
    bad = client.post(f"/api/v1/referrals/{referral.pk}/decline/", {"decline_reason": "bored"}, format="json")
    assert bad.status_code == 400
    ok = client.post(f"/api/v1/referrals/{referral.pk}/decline/", BODIES["decline"], format="json").json()
    assert (ok["status"], ok["decline_reason"], ok["decline_note"]) == (
        "declined",
        "no_capacity",
        "Waitlist is full.",
    )


def test_scheduling_needs_a_date_time(world, as_user):
    referral = advance(world, send(world), "accepted")
    response = as_user(world.recipient.user).post(
        f"/api/v1/referrals/{referral.pk}/schedule/", {"appointment_at": "next tuesday"}, format="json"
    )
    assert response.status_code == 400
    assert "appointment_at" in response.json()["detail"]


def test_completing_needs_a_known_outcome(world, as_user):
    referral = advance(world, send(world), "scheduled")
    response = as_user(world.recipient.user).post(
        f"/api/v1/referrals/{referral.pk}/complete/", {"outcome": "fine"}, format="json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("outcome", ["connected", "evaluated_not_eligible", "family_declined", "unreachable"])
def test_every_outcome_closes_the_loop(world, as_user, outcome):
    referral = advance(world, send(world), "accepted")  # an outcome without an appointment is allowed
    response = as_user(world.recipient.user).post(
        f"/api/v1/referrals/{referral.pk}/complete/", {"outcome": outcome}, format="json"
    )
    assert response.json()["outcome"] == outcome


@pytest.mark.parametrize("start", ["sent", "received", "accepted", "scheduled"])
def test_the_referrer_can_cancel_before_completion(world, as_user, start):
    referral = advance(world, send(world), start)
    response = as_user(world.referrer.user).post(
        f"/api/v1/referrals/{referral.pk}/cancel/", BODIES["cancel"], format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancel_reason"] == "Family moved away."


INVALID = [
    (verb, status)
    for verb, (_, froms, _) in TRANSITIONS.items()
    for status in ReferralStatus.values
    if status not in froms
]


@pytest.mark.parametrize("verb,status", INVALID, ids=[f"{v}-from-{s}" for v, s in INVALID])
def test_every_invalid_transition_is_a_409(world, as_user, verb, status):
    referral = advance(world, send(world), status)
    actor = world.referrer.user if verb == "cancel" else world.recipient.user
    response = as_user(actor).post(f"/api/v1/referrals/{referral.pk}/{verb}/", BODIES[verb], format="json")
    if status == "declined" and actor == world.recipient.user:
        # Declining ended the recipient's access: a stub is left, with nothing to act on.
        assert response.status_code == 403 and response.json()["code"] == "consent_required"
    else:
        assert response.status_code == 409, response.json()
        assert response.json()["code"] == "invalid_transition"
        assert response.json()["status"] == status
    referral.refresh_from_db()
    assert referral.status == status


@pytest.mark.parametrize("verb", ["accept", "decline", "schedule", "complete"])
def test_only_the_recipient_moves_the_referral_forward(world, as_user, verb):
    referral = advance(world, send(world), "accepted" if verb in ("schedule", "complete") else "sent")
    for user in (world.referrer.user, world.guardian.user):
        response = as_user(user).post(f"/api/v1/referrals/{referral.pk}/{verb}/", BODIES[verb], format="json")
        assert response.status_code == 403
        assert response.json()["code"] == "not_allowed"


def test_only_the_referrer_cancels(world, as_user):
    referral = send(world)
    for user in (world.recipient.user, world.guardian.user):
        response = as_user(user).post(f"/api/v1/referrals/{referral.pk}/cancel/", {}, format="json")
        assert response.status_code == 403


def test_each_status_change_notifies_the_referrer_and_sending_notifies_the_recipient(
    world, as_user, inbox_of, django_capture_on_commit_callbacks
):
    to_recipient, to_referrer = inbox_of(world.recipient.user.pk), inbox_of(world.referrer.user.pk)
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(world)
    [event] = to_recipient.drain()
    assert event["type"] == "notify" and event["kind"] == "referral.received"
    assert event["payload"] == {
        "referral_id": referral.pk,
        "status": "sent",
        "label": f"New referral #{referral.pk}",
    }

    client = as_user(world.recipient.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/api/v1/referrals/{referral.pk}/")
        client.post(f"/api/v1/referrals/{referral.pk}/accept/", {}, format="json")
    statuses = [e["payload"]["status"] for e in to_referrer.drain() if e["type"] == "notify"]
    assert statuses == ["received", "accepted"]
    # Labels carry ids and status only, never the child's name.
    assert world.child.first_name not in str(statuses)


def test_nothing_is_announced_when_the_transition_fails(
    world, as_user, inbox_of, django_capture_on_commit_callbacks
):
    referral = advance(world, send(world), "completed")
    to_referrer = inbox_of(world.referrer.user.pk)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world.recipient.user).post(f"/api/v1/referrals/{referral.pk}/accept/", {}, format="json")
    assert [e for e in to_referrer.drain() if e["type"] == "notify"] == []
