"""The provider role: a user linked to a directory listing."""

from __future__ import annotations

from directory.models import Provider
from people.roles import Actor


def provider_of(user: Actor) -> Provider | None:
    """The user's directory listing (cached on the user object for the request)."""
    if not user.is_authenticated:
        return None
    cached: Provider | None | bool = getattr(user, "_provider_cache", False)
    if cached is not False:
        return cached  # type: ignore[return-value]  # narrowed: False was ruled out above
    provider = Provider.objects.filter(user=user).select_related("organization").first()
    user._provider_cache = provider  # type: ignore[attr-defined]  # per-request memo on the user object
    return provider
