"""Roles are derived, never stored twice: a provider is a user linked to a directory
listing, a guardian a user with a Guardian row, a curator a staff user or a member of
the ``curator`` group.

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


def is_curator(user: Actor) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if not isinstance(user, User):
        return False
    return bool(user.is_staff or user.groups.filter(name=CURATOR_GROUP).exists())


def user_roles(user: Actor) -> list[str]:
    roles = [name for name in _RESOLVERS if has_role(user, name)]
    if is_curator(user):
        roles.append("curator")
    return roles
