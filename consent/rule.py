"""The rule's SQL, written once: which consents are in force for whom, and who is a
guardian of which family. ``consent.decision`` (the one decision point) and
``consent.policies`` (its per-entry-point forms) are built from these; nothing else
filters consent rows by hand."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet

from consent.models import CATEGORY_FIELDS, PURPOSE_FIELDS, Consent
from directory.models import Provider
from families.models import Child, Guardian, Restriction, RestrictionKind
from people.roles import Actor
from referral_hub.ids import id_for_lookup


def _scope_filter(purpose: str | None, categories: Iterable[str]) -> Q:
    """``purpose=None`` means "for any purpose" (every consent has at least one)."""
    q = Q()
    if purpose is not None:
        if purpose not in PURPOSE_FIELDS:
            raise ValueError(f"unknown purpose {purpose!r}")
        q &= Q(**{PURPOSE_FIELDS[purpose]: True})
    for category in categories:
        if category not in CATEGORY_FIELDS:
            raise ValueError(f"unknown data category {category!r}")
        q &= Q(**{CATEGORY_FIELDS[category]: True})
    return q


def _categories(categories: Iterable[str] | str | None) -> tuple[str, ...]:
    if categories is None:
        return ()
    if isinstance(categories, str):
        return (categories,)
    return tuple(categories)


def _recipient_q(provider_id: object, organization_id: object) -> Q:
    """Consents naming the provider, or the organization it belongs to (``None``: none).
    Works with plain ids and with ``OuterRef`` expressions alike."""
    q = Q(recipient_provider_id=provider_id)
    if organization_id is not None:
        q |= Q(recipient_organization_id=organization_id, recipient_organization_id__isnull=False)
    return q


def covering_consents(
    *,
    provider: Provider,
    purpose: str | None,
    categories: Iterable[str] = (),
    at: datetime | None = None,
) -> QuerySet[Consent]:
    """THE RULE, written once: consents in force at ``at`` (now by default) that cover
    ``provider`` (or its current organization) for ``purpose`` and every category.
    Every other question below is a form of this one."""
    return Consent.objects.active(at).filter(
        _recipient_q(provider.pk, provider.organization_id), _scope_filter(purpose, categories)
    )


def _user_recipient_q(user_id: int) -> Q:
    """Consents naming the user's directory listing, or the organization it belongs to
    now (a join through the listing, so membership is read at query time)."""
    return Q(recipient_provider__user_id=user_id) | Q(recipient_organization__providers__user_id=user_id)


def consents_covering_user(
    user: Actor, *, purpose: str | None = None, categories: Iterable[str] = (), at: datetime | None = None
) -> QuerySet[Consent]:
    """Active consents covering any provider listing of ``user`` (empty for non-providers)."""
    if user is None or not user.is_authenticated:
        return Consent.objects.none()
    # May repeat a row (organization join): wrap in ``pk__in`` where rows are listed.
    return Consent.objects.active(at).filter(_user_recipient_q(user.pk), _scope_filter(purpose, categories))


def barred(user: Actor, child_ref: str, at: datetime | None = None) -> Exists:
    """Row-wise: a court order's ``no_information`` restriction in force keeps ``user``
    from the row's child (``child_ref``: ``"pk"`` on ``Child``, ``"child_id"``...)."""
    return Exists(
        Restriction.objects.in_force(at).filter(
            person__user_id=user.pk if isinstance(user, User) else 0,
            kind=RestrictionKind.NO_INFORMATION,
            child_id=OuterRef(child_ref),
        )
    )


def guardian_children_q(user: Actor, prefix: str = "") -> Q:
    """Children whose family ``user`` is a guardian of (``prefix`` e.g. ``"child__"``),
    except those a ``no_information`` restriction keeps from them. A subquery, not a
    join through the family's guardians: OR-ed with another condition (a provider's
    covering consents) a join would repeat each row once per guardian."""
    return guardian_exists(user, prefix.removesuffix("__") if prefix else "pk")


def is_guardian_of(user: Actor | None, child_id: int) -> bool:
    """THE OTHER RULE, written once: does ``user`` speak for this child as a guardian of
    its family (now), with no ``no_information`` restriction on them? One indexed query."""
    if user is None or not user.is_authenticated:
        return False
    return (
        Child.objects.filter(pk=id_for_lookup(child_id), family__guardians__user_id=user.pk)
        .exclude(barred(user, "pk"))
        .exists()
    )


def family_ref(child_ref: str) -> str:
    """The row's family, from its child reference: ``pk`` (a child) -> ``family_id``;
    ``child_id`` -> ``child__family_id``; ``referral__child_id`` ->
    ``referral__child__family_id``."""
    if child_ref == "pk":
        return "family_id"
    return f"{child_ref.removesuffix('_id')}__family_id"


def guardian_exists(user: Actor, child_ref: str, at: datetime | None = None) -> Q:
    """Row-wise ``is_guardian_of``: the row's child (``child_ref``) belongs to a family
    ``user`` is a guardian of, and no ``no_information`` restriction keeps it from them."""
    member = Exists(
        Guardian.objects.filter(
            user_id=user.pk if isinstance(user, User) else 0, family_id=OuterRef(family_ref(child_ref))
        )
    )
    return Q(member) & ~Q(barred(user, child_ref, at))


def in_force(at: datetime | None = None) -> QuerySet[Consent]:
    """Consents in force at ``at`` (now): neither revoked nor past their expiry day.
    For apps above consent that follow a consent they hold a reference to (e.g. a
    family request sent under one), without filtering consent rows themselves."""
    return Consent.objects.active(at)
