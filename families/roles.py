"""The guardian role: a user with a Guardian row."""

from __future__ import annotations

from families.models import Guardian
from people.roles import Actor


def guardian_of(user: Actor) -> Guardian | None:
    """The user's guardian record (cached on the user object for the request)."""
    if not user.is_authenticated:
        return None
    cached: Guardian | None | bool = getattr(user, "_guardian_cache", False)
    if cached is not False:
        return cached  # type: ignore[return-value]  # narrowed: False was ruled out above
    guardian = Guardian.objects.filter(user=user).first()
    user._guardian_cache = guardian  # type: ignore[attr-defined]  # per-request memo on the user object
    return guardian
