from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from people.preferences import time_zone_of
from people.roles import user_roles


def roles(request: HttpRequest) -> dict[str, Any]:
    """The reader's roles, and whether their account still lacks a time zone (the
    browser then sets it: ``people/static/people/timezone.js``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": [], "time_zone_missing": False}
    return {"roles": user_roles(user), "time_zone_missing": not time_zone_of(user)}
