"""The family's own answer to "was your need met?" (Help Me Grow's "Needs Met") on a
completed referral: the same question the recipient answers at completion
(``services.referral_complete``), kept apart in ``Referral.family_needs_met`` /
``family_barriers`` (docs/referrals.md, "Needs met").

Who may answer: a guardian the decision point lets see the child now
(``consent.decision.decide`` through its ``guardian`` relation: a guardian of the
child's family whom no court order's ``no_information`` restriction keeps from the
child). Anyone else gets the referral's one not-found (or 403 ``not_allowed`` for the
referral's providers); the refusal is in the child's access log."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from consent import decision
from people.roles import Actor, signed_in
from referral_hub.errors import ApplicationError, NotFound
from referrals import policies
from referrals.models import Referral, ReferralEvent, ReferralStatus
from referrals.services import access_referral_logged, audit_referral, audit_refused

WHAT = "family needs met"


def check_family_answer(*, actor: Actor, referral_id: int) -> policies.ReferralAccess:
    """The referral, if ``actor`` may answer for the family now; refusals as above."""
    access = access_referral_logged(actor, referral_id, what=WHAT)
    if access.role != policies.ROLE_GUARDIAN:
        raise ApplicationError(
            "not_allowed",
            "Only the child's parent or guardian can answer for the family.",
            status=403,
            extra={"action": "family_needs_met"},
        )
    allowed = decision.decide(
        actor,
        child_id=access.referral.child_id,
        purpose="referral",
        categories="demographics",
        relations=(decision.GUARDIAN,),
    )
    if not allowed:
        audit_refused(actor=actor, model=Referral, object_id=referral_id, action=Action.UPDATE, what=WHAT)
        raise NotFound("Referral")
    return access


def referral_family_answer(
    *, actor: Actor, referral_id: int, needs_met: str, barriers: Sequence[str]
) -> Referral:
    """A guardian answers whether the family's need was met, and what got in the way
    (``referrals.inputs.NeedsMetForm`` checked the codes). Only on a completed referral
    (409 ``invalid_transition`` before); a later answer replaces the earlier one, and
    each is a timeline entry (marked as the family's) and an access-log row."""
    access = check_family_answer(actor=actor, referral_id=referral_id)
    with transaction.atomic():
        referral = Referral.objects.select_for_update(of=("self",)).get(pk=access.referral.pk)
        if referral.status != ReferralStatus.COMPLETED:
            raise ApplicationError(
                "invalid_transition",
                f"The family can answer once the referral is completed; it is {referral.status}.",
                status=409,
                extra={"status": referral.status, "action": "family_needs_met"},
            )
        now = timezone.now()
        referral.family_needs_met = needs_met
        referral.family_barriers = list(barriers)
        referral.family_answered_at = now
        referral.save(
            update_fields=["family_needs_met", "family_barriers", "family_answered_at", "updated_at"]
        )
        ReferralEvent.objects.create(
            referral=referral,
            actor=signed_in(actor),
            from_status=referral.status,
            to_status=referral.status,
            at=now,
            needs_met=needs_met,
            barriers=list(barriers),
            by_family=True,
        )
        audit_referral(
            actor=actor,
            referral=referral,
            action=Action.UPDATE,
            detail=f"family answer: needs {needs_met}" + (f" ({', '.join(barriers)})" if barriers else ""),
        )
    return referral
