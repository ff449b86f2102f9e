"""Roles are derived, never stored twice: a provider is a user linked to a directory
listing, a guardian a user with a Guardian row, a curator a staff user or a member of
the ``curator`` group, a reviewer a member of the ``reviewer`` group."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

CURATOR_GROUP = "curator"
# Endorsement reviewers: endorsed providers a curator may assign to applications.
REVIEWER_GROUP = "reviewer"
NETWORK_LEAD_GROUP = "network_lead"


def provider_of(user: AbstractBaseUser | AnonymousUser):  # type: ignore[no-untyped-def]
    from directory.models import Provider

    if not user.is_authenticated:
        return None
    cached = getattr(user, "_provider_cache", False)
    if cached is not False:
        return cached
    provider = Provider.objects.filter(user=user).select_related("organization").first()
    user._provider_cache = provider  # type: ignore[union-attr]
    return provider


def guardian_of(user: AbstractBaseUser | AnonymousUser):  # type: ignore[no-untyped-def]
    from families.models import Guardian

    if not user.is_authenticated:
        return None
    cached = getattr(user, "_guardian_cache", False)
    if cached is not False:
        return cached
    guardian = Guardian.objects.filter(user=user).first()
    user._guardian_cache = guardian  # type: ignore[union-attr]
    return guardian


def _group_names(user: AbstractBaseUser) -> frozenset[str]:
    """The user's group names, read once per request (every page asks for the roles)."""
    cached = getattr(user, "_group_names_cache", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        user._group_names_cache = cached  # type: ignore[attr-defined]
    return cached


def is_curator(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_staff or CURATOR_GROUP in _group_names(user))  # type: ignore[arg-type]


def is_network_lead(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Reads the network's aggregate indicators (``indicators/``): members of the
    ``network_lead`` group. Never a provider or guardian role by itself."""
    if not user.is_authenticated or not user.is_active:
        return False
    return NETWORK_LEAD_GROUP in _group_names(user)  # type: ignore[arg-type]


def is_reviewer(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return REVIEWER_GROUP in _group_names(user)  # type: ignore[arg-type]


def user_roles(user: AbstractBaseUser | AnonymousUser) -> list[str]:
    roles: list[str] = []
    if provider_of(user) is not None:
        roles.append("provider")
    if guardian_of(user) is not None:
        roles.append("guardian")
    if is_curator(user):
        roles.append("curator")
    if is_reviewer(user):
        roles.append("reviewer")
    if is_network_lead(user):
        roles.append("network_lead")
    return roles
