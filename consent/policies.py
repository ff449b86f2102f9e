"""THE answer to: may this provider access this child's data of these categories for
this purpose now?

A consent covers a provider when it names the provider, or names the organization the
provider currently belongs to (``Provider.organization``: leaving the organization ends
the cover at once). Every answer is one indexed query; ``covering_consents`` is the bulk
form, usable as a subquery so list pages cost a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from consent.models import CATEGORY_FIELDS, PURPOSE_FIELDS, Consent


def _scope_filter(purpose: str, categories: Iterable[str]) -> Q:
    if purpose not in PURPOSE_FIELDS:
        raise ValueError(f"unknown purpose {purpose!r}")
    q = Q(**{PURPOSE_FIELDS[purpose]: True})
    for category in categories:
        if category not in CATEGORY_FIELDS:
            raise ValueError(f"unknown data category {category!r}")
        q &= Q(**{CATEGORY_FIELDS[category]: True})
    return q


def covering_consents(
    *,
    provider,  # directory.models.Provider
    purpose: str,
    categories: Iterable[str] = (),
    at: datetime | None = None,
) -> QuerySet[Consent]:
    """Active consents that cover ``provider`` for ``purpose`` and every category."""
    recipient = Q(recipient_provider_id=provider.pk)
    if provider.organization_id is not None:
        recipient |= Q(recipient_organization_id=provider.organization_id)
    return Consent.objects.active(at).filter(recipient, _scope_filter(purpose, categories))


def consent_for(
    *,
    provider,
    child_id: int,
    purpose: str,
    categories: Iterable[str] = (),
    at: datetime | None = None,
) -> Consent | None:
    """The consent that allows the access, or None. One indexed query."""
    if provider is None:
        return None
    return (
        covering_consents(provider=provider, purpose=purpose, categories=categories, at=at)
        .filter(child_id=child_id)
        .order_by("-expires_on", "-id")
        .first()
    )


def may_access(*, provider, child_id: int, purpose: str, categories: Iterable[str] = ()) -> bool:
    return (
        consent_for(provider=provider, child_id=child_id, purpose=purpose, categories=categories) is not None
    )


def covered_child_ids(*, provider, purpose: str, categories: Iterable[str] = ()) -> QuerySet:
    """Ids of children covered for ``provider``: use as ``child_id__in=`` in a selector."""
    return covering_consents(provider=provider, purpose=purpose, categories=categories).values("child_id")


def covered_exists(
    *, provider, purpose: str, categories: Iterable[str] = (), child_ref: str = "child_id"
) -> Exists:
    """``Exists`` subquery for annotating/filtering a queryset row by row in SQL."""
    return Exists(
        covering_consents(provider=provider, purpose=purpose, categories=categories).filter(
            child_id=OuterRef(child_ref)
        )
    )
