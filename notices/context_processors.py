from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from notices.selectors import unread_count


class NoticeCounts:
    """The nav's notice badge, computed only if the page renders it (one query)."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    @cached_property
    def unread(self) -> int:
        return unread_count(user_id=self.user_id)


def notice_counts(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notice_counts": NoticeCounts(user.pk)}
