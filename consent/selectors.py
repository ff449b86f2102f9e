"""Every read of consents, already limited to what the actor may see."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from audit import selectors as audit_selectors
from audit.models import AuditEvent
from consent import decision, policies
from consent.models import Consent, ConsentEvent, ConsentRequest, ConsentRequestStatus
from people.roles import Actor


def consent_list(*, actor: Actor, child_id: int | None = None) -> QuerySet[Consent]:
    """Guardians: every consent (any state) for their family's children. Providers: the
    active consents that cover them now. Constant queries: joins + one prefetch."""
    if actor is None or not actor.is_authenticated:
        return Consent.objects.none()
    # Both as subqueries: a join through the family's guardians would repeat each row
    # once per guardian (two parents) wherever the other side of the OR matched.
    own = Q(pk__in=Consent.objects.filter(policies.guardian_children_q(actor, "child__")).values("pk"))
    covering = Q(pk__in=policies.consents_covering_user(actor).values("pk"))
    queryset = Consent.objects.filter(own | covering)
    if child_id is not None:
        queryset = queryset.filter(child_id=child_id)
    return queryset.select_related(
        "child",
        "granted_by__user",
        "recipient_provider__organization",
        "recipient_organization",
        "attested_by",
        "revoked_by",
    ).prefetch_related(
        Prefetch("events", queryset=ConsentEvent.objects.select_related("actor").order_by("at", "id"))
    )


def access_log_split(*, child_id: int) -> tuple[QuerySet[AuditEvent], QuerySet[AuditEvent]]:
    """The child's access log in two parts, newest first: what others did (refusals of
    anyone included, so a refused attempt is never hidden), and the family's own
    allowed views and changes. Whether a row is the family's own was decided when it
    was written and is stored in it (``own_visit``, under the row's MAC): who is a
    guardian today does not move anyone's past reads. Callers check that the actor is
    the child's guardian."""
    rows = audit_selectors.child_access_log(child_id=child_id)
    return rows.filter(own_visit=False), rows.filter(own_visit=True)


# What a consent request shows about its child: the name (and the note and scope, which
# speak about the child), i.e. demographics, for whatever purpose a consent names.
REQUEST_PURPOSE: str | None = None
REQUEST_CATEGORY = "demographics"


def consent_request_list(*, actor: Actor, status: str | None = None) -> QuerySet[ConsentRequest]:
    """Guardians: requests about their family's children (any state). Providers: the
    requests they made. Everyone else: none. Constant queries (joins only).

    Each row carries ``child_visible``, the decision point's answer for the actor now
    (``consent.decision.visible``, in the query): once no consent covers the provider
    who asked, their request is a stub (no child, note or scope; issue 23, finding 1)."""
    if actor is None or not actor.is_authenticated:
        return ConsentRequest.objects.none()
    own = ConsentRequest.objects.filter(policies.guardian_children_q(actor, "child__")).values("pk")
    queryset = ConsentRequest.objects.filter(Q(pk__in=own) | Q(requested_by_user_id=actor.pk))
    if status is not None:
        queryset = queryset.filter(status=status)
    shown = decision.visible(
        actor, purpose=REQUEST_PURPOSE, categories=REQUEST_CATEGORY, child_ref="child_id"
    )
    return (
        queryset.annotate(child_visible=decision.as_flag(shown))
        .select_related("child", "requested_by__organization", "provider__organization", "consent")
        .order_by("-created_at", "-id")
    )


def consent_requests_pending_for_guardian(*, actor: Actor) -> QuerySet[ConsentRequest]:
    """The open requests a guardian has to answer (the portal notice)."""
    if actor is None or not actor.is_authenticated:
        return ConsentRequest.objects.none()
    own = ConsentRequest.objects.filter(policies.guardian_children_q(actor, "child__")).values("pk")
    return consent_request_list(actor=actor, status=ConsentRequestStatus.PENDING).filter(pk__in=own)
