from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import Sum
from django.http import HttpRequest

from cases.selectors import case_list
from people.roles import Actor
from referrals.selectors import referral_counts


class NavCounts:
    """Badges for the navigation, computed only if the page renders them (one query
    each): referrals waiting for the provider, and unread case-chat messages."""

    def __init__(self, user: Actor) -> None:
        self.user = user

    @cached_property
    def waiting(self) -> int:
        return referral_counts(actor=self.user)["waiting_for_you"]

    @cached_property
    def unread(self) -> int:
        total = case_list(actor=self.user).order_by().aggregate(n=Sum("unread_count"))["n"]
        return int(total or 0)


def nav_counts(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_counts": NavCounts(user)}
