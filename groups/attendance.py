"""Attendance and the roster, for the host (or a curator).

A session is an occurrence of the group's schedule, named by its start. Attendance is
taken only at a session (400 ``not_a_session``) that has started (400
``session_not_started``), and only for the group's registered people (400
``not_registered``). When the attendee is a provider and the group is a reflective
supervision group or a training (``ENDORSEMENT_ENTRY_KIND``), being marked present
records the matching entry in their endorsement portfolio, and being marked absent later
withdraws it (``endorsement.services.record_attendance`` / ``withdraw_attendance``,
keyed ``groups.attendance:<id>``).

The roster shows the adults who registered (name, contact, language, status, since):
never a child."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from endorsement.services import record_attendance, withdraw_attendance
from groups import notices
from groups.models import (
    ACTIVE_STATUSES,
    ENDORSEMENT_ENTRY_KIND,
    Attendance,
    Group,
    Registration,
    RegistrationStatus,
)
from groups.policies import access_group_for_host
from groups.schedule import occurrences
from people.roles import Actor, signed_in
from referral_hub.errors import ApplicationError


def parse_start(text: str) -> dt.datetime:
    """A session's start as given in a URL: an ISO 8601 date-time with its offset."""
    try:
        start = dt.datetime.fromisoformat(text.strip().replace(" ", "+"))
    except ValueError:
        raise ApplicationError("not_a_session", f"Not a date-time: {text!r}.") from None
    if start.tzinfo is None:
        raise ApplicationError("not_a_session", "Give the session's start with its UTC offset.")
    return start


def session_of(group: Group, start: dt.datetime, *, now: dt.datetime | None = None) -> dt.datetime:
    """The session starting at ``start`` (as the schedule has it), if it has started."""
    window = dt.timedelta(minutes=1)
    found = occurrences(group.schedule, after=start - window, limit=1)
    if not found or abs(found[0] - start) >= window:
        raise ApplicationError("not_a_session", "The group has no session starting then.")
    if found[0] > (now or timezone.now()):
        raise ApplicationError("session_not_started", "Attendance is taken once the session has started.")
    return found[0]


def _marks(raw: Mapping[Any, Any]) -> dict[int, bool]:
    marks: dict[int, bool] = {}
    for key, value in raw.items():
        try:
            registration_id = int(key)
        except (TypeError, ValueError):
            raise ApplicationError("invalid", f"Not a registration id: {key!r}.") from None
        if not isinstance(value, bool):
            raise ApplicationError("invalid", f"{key}: say true (present) or false (absent).")
        marks[registration_id] = value
    return marks


@dataclass(frozen=True)
class PortfolioRefusal:
    """A provider's attendance that could not become a portfolio entry (the mark stands)."""

    registration_id: int
    code: str
    detail: str


def _endorsement_entry(group: Group, attendance: Attendance, session: dt.datetime) -> PortfolioRefusal | None:
    """Keep the attendee's portfolio entry in step with the mark (providers at RSC
    groups and trainings only): present records it, absent withdraws it. The entry is
    checked like a typed one (e.g. ``consultant_not_eligible`` when the host may not
    give RSC, ``too_many_hours``); a refusal leaves the attendance as marked."""
    kind = ENDORSEMENT_ENTRY_KIND.get(group.kind)
    registration = attendance.registration
    provider = registration.provider
    if kind is None or provider is None:
        return None
    source_ref = f"groups.attendance:{attendance.pk}"
    if not attendance.present:
        withdraw_attendance(source_ref)
        return None
    try:
        record_attendance(
            provider,
            kind="rsc" if kind == "rsc" else "training",
            source_ref=source_ref,
            on=session.astimezone(group.schedule.zone).date(),
            hours=Decimal(group.duration_minutes) / 60,
            title=group.name,
            facilitator=group.host,
            domains=group.domains,
            group=True,
        )
    except ApplicationError as refusal:
        return PortfolioRefusal(registration.pk, refusal.code, refusal.message)
    return None


@dataclass
class SessionMarks:
    """One session's attendance after a change, and the portfolio entries refused."""

    start: dt.datetime
    rows: list[Attendance]
    refused: list[PortfolioRefusal]


@transaction.atomic
def session_attendance_set(
    *, actor: Actor, group_id: int, start: dt.datetime, marks: Mapping[Any, Any]
) -> SessionMarks:
    """Mark each registration present (True) or absent (False) at the session starting
    at ``start``; marks not given stay as they were. Returns the session's attendance
    and the portfolio entries that could not be made."""
    group = access_group_for_host(actor, group_id, for_update=True)
    session = session_of(group, start)
    wanted = _marks(marks)
    registrations = {
        r.pk: r
        for r in group.registrations.select_related("provider").filter(
            pk__in=wanted, status=RegistrationStatus.REGISTERED
        )
    }
    missing = sorted(set(wanted) - set(registrations))
    if missing:
        raise ApplicationError("not_registered", f"Not registered in this group: {missing}.")
    recorder = signed_in(actor)
    refused: list[PortfolioRefusal] = []
    for registration_id, present in wanted.items():
        attendance, _created = Attendance.objects.update_or_create(
            registration=registrations[registration_id],
            session_start=session,
            defaults={"present": present, "recorded_by": recorder, "recorded_at": timezone.now()},
        )
        refusal = _endorsement_entry(group, attendance, session)
        if refusal is not None:
            refused.append(refusal)
            notices.notify_hours_not_counted(registrations[registration_id], session, refusal.code)
    rows = list(
        Attendance.objects.filter(registration__group=group, session_start=session)
        .select_related("registration")
        .order_by("registration__created_at", "registration_id")
    )
    return SessionMarks(start=session, rows=rows, refused=refused)


# --- the roster ------------------------------------------------------------------------


@dataclass
class Session:
    start: dt.datetime
    marks: dict[int, bool] = field(default_factory=dict)  # registration id -> present

    @property
    def present_count(self) -> int:
        return sum(self.marks.values())


@dataclass
class Roster:
    group: Group
    registrations: list[Registration]
    sessions: list[Session]  # the sessions so far (started), oldest first

    @property
    def attending(self) -> list[Registration]:
        return [r for r in self.registrations if r.status == RegistrationStatus.REGISTERED]


def roster(*, actor: Actor, group_id: int, now: dt.datetime | None = None) -> Roster:
    """The group's registered and waitlisted people and each session so far with who
    came. Three queries whatever the size."""
    group = access_group_for_host(actor, group_id)
    people = list(
        group.registrations.filter(status__in=ACTIVE_STATUSES).order_by("status", "created_at", "pk")
    )
    starts = occurrences(group.schedule, before=(now or timezone.now()) + dt.timedelta(seconds=1))
    sessions = {start: Session(start=start) for start in starts}
    rows = Attendance.objects.filter(registration__group=group).values_list(
        "registration_id", "session_start", "present"
    )
    by_instant = {start.astimezone(dt.UTC): session for start, session in sessions.items()}
    for registration_id, session_start, present in rows:
        found = by_instant.get(session_start.astimezone(dt.UTC))
        if found is not None:
            found.marks[registration_id] = present
    return Roster(group=group, registrations=people, sessions=list(sessions.values()))
