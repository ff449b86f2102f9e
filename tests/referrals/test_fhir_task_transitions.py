"""Issue 27, "FHIR status": the referral's FHIR ``Task`` follows the SDOH Clinical Care
IG's referral task statuses and transitions. Every (from, to) pair of our statuses is
walked through the real services: a move we make is one the IG allows for the Task,
and a move the IG does not allow is refused (409 ``invalid_transition``), leaving the
referral and its Task as they were."""

from __future__ import annotations

import datetime
import itertools

import pytest
from fhir.resources.R4B.task import Task

from referral_hub.errors import ApplicationError
from referrals import services
from referrals.fhir import TASK_STATUS, TASK_TRANSITIONS, task_transition_allowed
from referrals.models import ReferralStatus
from tests.factories.referrals import send
from tests.referrals.conftest import advance

pytestmark = pytest.mark.django_db

STATUSES = list(ReferralStatus.values)
# The IG's referral task statuses (SDOHCCValueSetReferralTaskStatus: FHIR's TaskStatus
# less ``ready`` and ``received``).
IG_STATUSES = {
    "draft",
    "requested",
    "accepted",
    "rejected",
    "cancelled",
    "in-progress",
    "on-hold",
    "failed",
    "completed",
    "entered-in-error",
}
# How to ask for each target status, as whom (the receipt is the recipient's first open).
VERB_TO = {
    "received": "open",
    "accepted": "accept",
    "declined": "decline",
    "scheduled": "schedule",
    "completed": "complete",
    "cancelled": "cancel",
}


def _ours(from_status: str, to_status: str) -> bool:
    """Does our state machine move ``from_status`` -> ``to_status``?"""
    if (from_status, to_status) == ("sent", "received"):
        return True
    return any(
        to == to_status and from_status in froms
        for froms, to in ((v[1], v[2]) for v in services.TRANSITIONS.values())
    )


def test_every_status_maps_to_an_ig_referral_task_status():
    assert set(TASK_STATUS) == set(STATUSES)
    assert set(TASK_STATUS.values()) <= IG_STATUSES
    assert "received" not in TASK_STATUS.values()  # left out of the IG's value set
    assert {code for pair in TASK_TRANSITIONS for code in pair} <= IG_STATUSES


@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(STATUSES, STATUSES)))
def test_our_transitions_are_the_igs(from_status, to_status):
    """The table itself: each move we make maps to a Task move the IG allows."""
    if _ours(from_status, to_status):
        assert task_transition_allowed(from_status, to_status), (from_status, to_status)


def _attempt(world, referral, to_status):
    verb = VERB_TO[to_status]
    recipient, referrer = world.recipient.user, world.referrer.user
    if verb == "open":
        services.referral_open(actor=recipient, referral_id=referral.pk)
    elif verb == "accept":
        services.referral_accept(actor=recipient, referral_id=referral.pk)
    elif verb == "decline":
        services.referral_decline(actor=recipient, referral_id=referral.pk, decline_reason="no_capacity")
    elif verb == "schedule":
        services.referral_schedule(
            actor=recipient,
            referral_id=referral.pk,
            appointment_at=datetime.datetime(2030, 12, 1, 15, tzinfo=datetime.UTC),
        )
    elif verb == "complete":
        services.referral_complete(actor=recipient, referral_id=referral.pk, outcome="connected")
    else:
        services.referral_cancel(actor=referrer, referral_id=referral.pk, reason="walk")


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(a, b) for a, b in itertools.product(STATUSES, STATUSES) if a != b and b != "sent"],
)
def test_each_pair_is_made_or_refused_as_the_ig_says(world, as_user, from_status, to_status):
    referral = advance(world, send(world), from_status)
    task_before = Task.model_validate(as_user(world.referrer.user).get(f"/fhir/Task/{referral.pk}").json())
    try:
        _attempt(world, referral, to_status)
    except ApplicationError as exc:
        # A recipient who declined has no access left: refused before the status is read.
        recipient_after_decline = from_status == "declined" and to_status != "cancelled"
        refusal = "consent_required" if recipient_after_decline else "invalid_transition"
        assert exc.code == refusal, (from_status, to_status, exc.code)
        made = False
    else:
        made = True
    referral.refresh_from_db()
    if made and referral.status == to_status:
        assert _ours(from_status, to_status)
        assert task_transition_allowed(from_status, to_status)
        task_after = Task.model_validate(as_user(world.referrer.user).get(f"/fhir/Task/{referral.pk}").json())
        assert task_after.status == TASK_STATUS[to_status]
        assert (
            task_before.status == task_after.status
            or (task_before.status, task_after.status) in TASK_TRANSITIONS
        )
    else:
        # Refused (or, for an open after the first, nothing to do): nothing moved, for
        # us or for the Task; every move the IG does not allow ends here.
        assert referral.status == from_status
        assert not _ours(from_status, to_status)
        task_after = Task.model_validate(as_user(world.referrer.user).get(f"/fhir/Task/{referral.pk}").json())
        assert task_after.status == task_before.status


def test_the_completed_task_carries_needs_met_and_barriers(world, as_user):
    referral = advance(world, send(world), "scheduled")
    services.referral_complete(
        actor=world.recipient.user,
        referral_id=referral.pk,
        outcome="connected",
        needs_met="partly",
        barriers=["waitlist"],
    )
    task = Task.model_validate(as_user(world.referrer.user).get(f"/fhir/Task/{referral.pk}").json())
    codes = [(o.type.text, o.valueCodeableConcept.coding[0].code) for o in task.output]
    assert codes == [("Referral outcome", "connected"), ("Needs met", "partly"), ("Barrier", "waitlist")]
    assert task.businessStatus.coding[0].code == "completed"
