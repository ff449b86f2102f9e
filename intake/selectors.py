"""Every read of family requests, already limited to what ``actor`` may see, with the
joins a page needs (a constant number of queries whatever the list holds)."""

from __future__ import annotations

from django.db.models import QuerySet

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
        FamilyRequest.objects.filter(via_coordinator=True, stage__in=QUEUE_FILTERS[key])
        .select_related("child", "provider", "referral", "routed_by")
        .order_by("created_at", "id")
    )
