"""Extension points for apps that sit above referrals (messaging) without import cycles.

``case_annotators``: callables ``(queryset, user) -> queryset`` applied by the case list
selector, e.g. messaging adds ``unread_count``. Registered in the other app's
``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

from cases.models import Case
from people.roles import Actor

CaseAnnotator = Callable[[QuerySet[Case], Actor], QuerySet[Case]]
case_annotators: list[CaseAnnotator] = []
