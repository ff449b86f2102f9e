"""Roles are derived, never stored twice: a provider is a user linked to a directory
listing, a guardian a user with a Guardian row, a curator a staff user or a member of
the ``curator`` group, a reviewer a member of the ``reviewer`` group, a network lead a
member of the ``network_lead`` group, a care coordinator of the ``coordinator`` group.

This module knows no domain app. An app that owns a role registers a resolver for it
(``register_role``) in its ``AppConfig.ready``; ``user_roles`` and ``role_object`` ask
the registry. The typed lookups live with their models: ``directory.roles.provider_of``
and ``families.roles.guardian_of``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model

from referral_hub.errors import NotFound

# Who is acting: every ``actor`` parameter in the project has this type.
Actor = User | AnonymousUser

CURATOR_GROUP = "curator"
# Endorsement reviewers: endorsed providers a curator may assign to applications.
REVIEWER_GROUP = "reviewer"
NETWORK_LEAD_GROUP = "network_lead"
# Care coordinators (the network's centralized access point): route families' requests
# for help that name no provider (``intake``). They see only children in their queue.
COORDINATOR_GROUP = "coordinator"

RoleResolver = Callable[[Actor], Model | None]

_RESOLVERS: dict[str, RoleResolver] = {}


def register_role(name: str, resolver: RoleResolver) -> None:
    """Called once per role from the owning app's ``ready()``; re-registering the same
    name replaces the resolver (Django may call ``ready()`` twice in tests)."""
    _RESOLVERS[name] = resolver


def role_object(user: Actor, name: str) -> Model | None:
    """The row that makes ``user`` hold role ``name`` (their listing, their guardian
    record), or None. Unknown roles are held by nobody."""
    resolver = _RESOLVERS.get(name)
    return resolver(user) if resolver is not None else None


def has_role(user: Actor, name: str) -> bool:
    return role_object(user, name) is not None


def signed_in(actor: Actor) -> User:
    """The actor as a user account, for services whose policy check has already
    refused anonymous callers (so this never refuses in practice; it narrows the type
    and fails closed if a caller skipped the policy)."""
    if not isinstance(actor, User) or not actor.is_active:
        raise NotFound()
    return actor


def _group_names(user: User) -> frozenset[str]:
    """The user's group names, read once per request (every page asks for the roles)."""
    cached: frozenset[str] | None = getattr(user, "_group_names_cache", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._group_names_cache = cached  # type: ignore[attr-defined]  # per-request memo on the user object
    return cached


def _active_user(user: Actor) -> User | None:
    if not user.is_authenticated or not user.is_active or not isinstance(user, User):
        return None
    return user


def is_curator(user: Actor) -> bool:
    account = _active_user(user)
    if account is None:
        return False
    return bool(account.is_staff or CURATOR_GROUP in _group_names(account))


def is_network_lead(user: Actor) -> bool:
    """Reads the network's aggregate indicators (``indicators/``): members of the
    ``network_lead`` group. Never a provider or guardian role by itself."""
    account = _active_user(user)
    return account is not None and NETWORK_LEAD_GROUP in _group_names(account)


def is_reviewer(user: Actor) -> bool:
    account = _active_user(user)
    return account is not None and REVIEWER_GROUP in _group_names(account)


def is_coordinator(user: Actor) -> bool:
    account = _active_user(user)
    return account is not None and COORDINATOR_GROUP in _group_names(account)


def user_roles(user: Actor) -> list[str]:
    roles = [name for name in _RESOLVERS if has_role(user, name)]
    if is_curator(user):
        roles.append("curator")
    if is_reviewer(user):
        roles.append("reviewer")
    if is_network_lead(user):
        roles.append("network_lead")
    if is_coordinator(user):
        roles.append("coordinator")
    return roles
