"""Extension points for apps above cases (referrals, messaging), so the arrows still
point down.

``case_annotators``: callables ``(queryset, user) -> queryset`` applied by the case list
and the case detail selectors (messaging adds ``unread_count`` and ``last_message_at``).

``case_page_context``: callables ``(actor, case) -> dict`` whose entries join the case
page's context (referrals adds ``referrals``: the case's referrals the viewer may see).

Both are filled from the other app's ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from cases.models import Case
from people.roles import Actor

CaseAnnotator = Callable[[QuerySet[Case], Actor], QuerySet[Case]]
case_annotators: list[CaseAnnotator] = []

CasePageContext = Callable[[Actor, Case], dict[str, Any]]
case_page_context: dict[str, CasePageContext] = {}


def register_case_page_context(name: str, fn: CasePageContext) -> None:
    """Register (or replace: ``ready()`` may run twice) a contribution to the case page."""
    case_page_context[name] = fn
