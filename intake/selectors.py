"""Every read of family requests, already limited to what ``actor`` may see, with the
joins a page needs (a constant number of queries whatever the list holds)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from consent import decision, rule
from consent.policies import guardian_children_q
from consent.recipients import confidential_contacts, contact_confidential
from intake.models import OPEN_STAGES, FamilyRequest, Stage
from people.roles import Actor, is_coordinator
from referral_hub.errors import ApplicationError
from referrals.contact import FamilyContact
from referrals.models import Referral

# The queue's tabs, in a coordinator's words.
QUEUE_FILTER_LABELS = {
    "open": _("Open requests"),
    "queued": _("New: find a provider"),
    "awaiting_signature": _("Waiting for the family to sign"),
    "referred": _("Sent to a provider"),
}
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


def coordinator_sees(actor: Actor) -> Q:
    """The requests of the queue a coordinator reads: those whose child the decision
    point lets them see, and those made without an account (no child at all)."""
    return decision.visible(actor, child_ref="child_id") | Q(child__isnull=True)


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
        .filter(coordinator_sees(actor))
        .select_related("child", "provider", "referral", "routed_by")
        .order_by("created_at", "id")
    )


def contact_of(request: FamilyRequest) -> FamilyContact:
    """The request's contact details as the recipient reads them (labels in the active
    language)."""
    return FamilyContact(
        name=request.family_name,
        method=request.contact_method,
        method_label=str(request.get_contact_method_display()),
        phone=request.phone,
        phone_display=request.phone_display,
        email=request.email,
        language=request.preferred_language,
        language_label=request.preferred_language_label,
        best_times=request.best_times,
        best_time_slots=list(request.best_time_slots or []),
        best_time_labels=request.best_time_labels,
    )


def contact_for_recipient(viewer: Actor, referral: Referral) -> FamilyContact | None:
    """How to reach the family that asked, for the provider the referral went to and
    nobody else, while the consent the family signed with the request (whose text names
    the contact details as shared: ``contact_in_consent``) covers them: the decision
    point's answer for that consent (``decision.covered_by``). None otherwise."""
    if not viewer.is_authenticated or referral.to_provider.user_id != viewer.pk:
        return None
    request = (
        FamilyRequest.objects.filter(referral_id=referral.pk, contact_in_consent=True)
        .select_related("requested_by")
        .first()
    )
    if request is None or not decision.covered_by(
        viewer, consent_id=request.consent_id, purpose="referral", categories=("demographics",)
    ):
        return None
    if contact_confidential(request.requested_by_id, request.child_id):
        # A court order keeps the asker's phone and e-mail with them: the provider
        # reaches the family through the portal (docs/consent.md, "Restrictions").
        return None
    return contact_of(request)


def own_requests_for_output(rows: list[FamilyRequest], *, actor: Actor) -> list[FamilyRequest]:
    """The family's requests as ``actor`` may read them: the phone and e-mail another
    member of the household gave stay with that member while an
    ``address_confidential`` restriction covers them for the child (blanked on these
    in-memory rows, which are for output only; never saved)."""
    hidden = confidential_contacts(
        (r.requested_by_id, r.child_id) for r in rows if r.requested_by_id != actor.pk
    )
    for row in rows:
        if (row.requested_by_id, row.child_id) in hidden:
            row.phone = row.email = ""
    return rows
