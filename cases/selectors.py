"""Reads for cases: the cases a viewer may open (with the current care team and what
the registered annotators add), the cases they lost, one case. Querysets already
limited to what the actor may see; a list costs a constant number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import DateTimeField, F, IntegerField, Max, Prefetch, QuerySet, Value

from cases import policies
from cases.extensions import case_annotators
from cases.models import CareTeamMember, Case
from people.roles import Actor


def _current_team() -> Prefetch[Any]:
    members = (
        CareTeamMember.objects.filter(left_at__isnull=True)
        .annotate(_covered=policies.member_covered_exists(policies.TEAM_PURPOSE))
        .filter(_covered=True)
        .select_related("provider__organization")
        .order_by("joined_at", "id")
    )
    return Prefetch("members", queryset=members, to_attr="current_team")


def _annotate(qs: QuerySet[Case], actor: Actor) -> QuerySet[Case]:
    for annotate in case_annotators:
        qs = annotate(qs, actor)
    if "unread_count" not in qs.query.annotations:
        qs = qs.annotate(unread_count=Value(0, output_field=IntegerField()))
    if "last_message_at" not in qs.query.annotations:
        qs = qs.annotate(last_message_at=Value(None, output_field=DateTimeField()))
    return qs


def case_list(*, actor: Actor) -> QuerySet[Case]:
    """Cases ``actor`` may open, with the current team (members still covered by
    consent), ``unread_count`` and ``last_message_at`` from the registered annotators;
    the most recently active first (then the newest)."""
    qs = policies.visible_cases(actor).select_related("child").prefetch_related(_current_team())
    return _annotate(qs, actor).order_by(F("last_message_at").desc(nulls_last=True), "-created_at", "-id")


def former_cases(*, actor: Actor) -> list[tuple[CareTeamMember, policies.AccessEnded]]:
    """Cases the actor was on the team of and can no longer open, newest end first, each
    with when and why access ended: stubs (the case number, nothing about the child).
    Two queries plus one or two per stub shown (few: ended memberships)."""
    if not actor.is_authenticated:
        return []
    still_open = policies.visible_cases(actor).values("pk")
    latest = (
        CareTeamMember.objects.filter(user_id=actor.pk)
        .exclude(case_id__in=still_open)
        .values("case_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    members = CareTeamMember.objects.filter(pk__in=latest).select_related("case", "provider")
    stubs = [(m, policies.membership_end(m)) for m in members]
    return sorted(stubs, key=lambda s: (s[1].at is not None, s[1].at or s[0].joined_at), reverse=True)[:50]


def case_detail(*, actor: Actor, case: Case) -> Case:
    qs = Case.objects.filter(pk=case.pk).select_related("child").prefetch_related(_current_team())
    return _annotate(qs, actor).get()
