"""Every read of family requests, already limited to what ``actor`` may see, with the
joins a page needs (a constant number of queries whatever the list holds)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from consent import decision, rule
from consent.policies import guardian_children_q
from intake.models import OPEN_STAGES, FamilyRequest, Stage
from people.roles import Actor, is_coordinator
from referral_hub.errors import ApplicationError

QUEUE_FILTERS = {
    "open": OPEN_STAGES,
    "queued": (Stage.QUEUED,),
    "awaiting_signature": (Stage.AWAITING_SIGNATURE,),
    "referred": (Stage.REFERRED,),
}


def own_requests(*, actor: Actor) -> QuerySet[FamilyRequest]:
    """The guardian's family's requests, newest first (none for anyone else)."""
    if not actor.is_authenticated:
        return FamilyRequest.objects.none()
    return (
        FamilyRequest.objects.filter(guardian_children_q(actor, "child__"))
        .select_related("child", "provider", "referral")
        .order_by("-created_at", "-id")
    )


def in_queue(at: datetime | None = None) -> Q:
    """A request the coordinators hold at ``at`` (now): it came through their queue and
    is still open (queued, or awaiting the family's signature), or was sent under a
    consent that is still active. A withdrawn request, or one whose consent the family
    revoked (or that expired), has left the queue (issue 23, finding 4)."""
    live = rule.in_force(at).values("pk")
    return Q(via_coordinator=True) & (Q(stage__in=OPEN_STAGES) | Q(stage=Stage.REFERRED, consent_id__in=live))


def coordinator_relation(
    viewer: Actor, purpose: str | None, categories: Iterable[str], child_ref: str, at: datetime | None
) -> Exists | None:
    """The decision point's ``coordinator`` relation (registered in ``IntakeConfig.ready``):
    a care coordinator sees a child while a request for it is in their queue
    (``in_queue``), for any purpose the queue serves and nothing else."""
    if not is_coordinator(viewer):
        return None
    return Exists(FamilyRequest.objects.filter(in_queue(at), child_id=OuterRef(child_ref)))


def coordination_queue(*, actor: Actor, status: str | None = None) -> QuerySet[FamilyRequest]:
    """The care coordinators' queue: requests that named no provider, oldest first.
    ``status``: ``open`` (default), ``queued``, ``awaiting_signature``, ``referred``."""
    if not is_coordinator(actor):
        return FamilyRequest.objects.none()
    key = status or "open"
    if key not in QUEUE_FILTERS:
        raise ApplicationError(
            "invalid_parameter",
            f"status must be one of {', '.join(QUEUE_FILTERS)}.",
            extra={"parameter": "status"},
        )
    return (
        FamilyRequest.objects.filter(in_queue(), stage__in=QUEUE_FILTERS[key])
        .filter(decision.visible(actor, child_ref="child_id"))
        .select_related("child", "provider", "referral", "routed_by")
        .order_by("created_at", "id")
    )
