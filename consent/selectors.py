"""Every read of consents, already limited to what the actor may see."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from consent import policies
from consent.models import Consent, ConsentEvent
from people.roles import Actor


def consent_list(*, actor: Actor, child_id: int | None = None) -> QuerySet[Consent]:
    """Guardians: every consent (any state) for their family's children. Providers: the
    active consents that cover them now. Constant queries: joins + one prefetch."""
    if actor is None or not actor.is_authenticated:
        return Consent.objects.none()
    own = policies.guardian_children_q(actor, "child__")
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
