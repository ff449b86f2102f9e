from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import Sum
from django.http import HttpRequest

from referral_hub.roles import user_roles


class NavCounts:
    """Badges for the navigation, computed only if the page renders them (one query
    each): referrals waiting for the provider, and unread case-chat messages."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def waiting(self) -> int:
        from referrals.selectors import referral_counts

        return referral_counts(actor=self.user)["waiting_for_you"]

    @cached_property
    def unread(self) -> int:
        from referrals.selectors import case_list

        total = case_list(actor=self.user).order_by().aggregate(n=Sum("unread_count"))["n"]
        return total or 0


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": []}
    return {"roles": user_roles(user), "nav_counts": NavCounts(user)}
