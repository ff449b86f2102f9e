"""One way access ends: consent calls the hooks that apps above it registered, and then
tells each affected user once.

Apps above consent (referrals: care-team memberships and referral permissions;
messaging: open chats) register a hook from their ``AppConfig.ready()`` with
``register_access_end_hook(name, hook)``. When a consent is revoked, or its expiry is
recorded, ``access_ended`` calls every hook INSIDE that transaction (so their clean-up
commits or rolls back with it). A hook does its work and returns the ids of the users it
touched; it sends no ``access.changed`` itself. ``access_ended`` then queues exactly one
``access.changed`` per affected user (the consent's own users and every user a hook
returned) for after the commit. The order of the hooks (and so of ``INSTALLED_APPS``)
changes nothing that anyone receives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.utils import timezone

from consent.models import Consent
from referral_hub import events
from referral_hub.realtime import send_event_on_commit, user_group

Reason = Literal["consent_revoked", "consent_expired"]


@dataclass(frozen=True)
class AccessEnd:
    """What a hook is told: which consent stopped covering, why, and since when (hooks
    that end rows at ``timezone.now()`` later in the transaction can recognise rows
    ended by another hook of the same call: ``ended_at >= at``)."""

    consent: Consent
    reason: Reason
    at: datetime


AccessEndHook = Callable[[AccessEnd], set[int]]

_hooks: dict[str, AccessEndHook] = {}


def register_access_end_hook(name: str, hook: AccessEndHook) -> None:
    """Register (or replace: ``ready()`` may run twice) the hook called ``name``."""
    _hooks[name] = hook


def registered_hooks() -> dict[str, AccessEndHook]:
    return dict(_hooks)


def access_ended(*, consent: Consent, reason: Reason, user_ids: set[int] | list[int]) -> set[int]:
    """Call every hook inside the caller's transaction, then queue one
    ``access.changed`` for each affected user (``user_ids``: the consent's own users,
    plus whoever a hook touched). Returns the affected user ids."""
    end = AccessEnd(consent=consent, reason=reason, at=timezone.now())
    affected = set(user_ids)
    for hook in _hooks.values():
        affected |= hook(end)
    event = events.access_changed(
        change="revoked", reason=reason, child_id=consent.child_id, consent_id=consent.pk
    )
    for user_id in sorted(affected):
        send_event_on_commit(user_group(user_id), event)
    return affected
