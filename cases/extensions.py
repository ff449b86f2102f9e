"""Extension points for apps above cases (referrals, messaging), so the arrows still
point down: cases shows what they register from their ``AppConfig.ready()`` and imports
none of them.

- ``case_annotators``: callables ``(queryset, user) -> queryset`` applied by the case
  list and the case detail selectors (messaging adds ``unread_count`` and
  ``last_message_at``).
- ``case_page_sections``: sections of the case page below the care team, each a
  template included with ``section`` (the registered context function's answer for
  the viewer and the case) beside ``case`` and ``user`` (referrals: the case's
  referrals; messaging: the team chat).
- ``case_list_columns``: what an app adds to each row of the Cases page: ``rows(user,
  cases)`` answers, in a constant number of queries, a dict per case id, given to the
  row's ``summary_template`` and ``actions_template`` as ``part`` (messaging: the last
  message and the "Open chat" link).
- ``team_change_listeners``: called inside the transaction whenever a care-team
  membership starts (``joined``) or ends (``left``), whatever caused it (a referral, a
  consent revoked or expired); messaging tells the member their new unread total.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import QuerySet

from cases.models import CareTeamMember, Case
from people.roles import Actor

CaseAnnotator = Callable[[QuerySet[Case], Actor], QuerySet[Case]]
case_annotators: list[CaseAnnotator] = []

SectionContext = Callable[[Actor, Case], dict[str, Any]]


@dataclass(frozen=True)
class CasePageSection:
    template: str
    context: SectionContext | None = None
    order: int = 100


case_page_sections: dict[str, CasePageSection] = {}


def register_case_page_section(
    name: str, *, template: str, context: SectionContext | None = None, order: int = 100
) -> None:
    """Register (or replace: ``ready()`` may run twice) a section of the case page."""
    case_page_sections[name] = CasePageSection(template=template, context=context, order=order)


ColumnRows = Callable[[Actor, list[Case]], dict[int, dict[str, Any]]]


@dataclass(frozen=True)
class CaseListColumn:
    rows: ColumnRows
    summary_template: str
    actions_template: str | None = None


case_list_columns: dict[str, CaseListColumn] = {}


def register_case_list_column(
    name: str, *, rows: ColumnRows, summary_template: str, actions_template: str | None = None
) -> None:
    """Register (or replace) what an app adds to each row of the Cases page."""
    case_list_columns[name] = CaseListColumn(
        rows=rows, summary_template=summary_template, actions_template=actions_template
    )


TeamChangeListener = Callable[[CareTeamMember, Literal["joined", "left"]], None]
team_change_listeners: dict[str, TeamChangeListener] = {}


def register_team_change_listener(name: str, listener: TeamChangeListener) -> None:
    """Register (or replace) what runs when a membership starts or ends."""
    team_change_listeners[name] = listener
