"""A group's sessions: the occurrences of its schedule.

The schedule is an iCalendar RRULE (RFC 5545) from the first session's *local* date and
time, with EXDATEs (local dates whose session does not happen), in the group's time zone.
Expansion runs on local wall-clock times (python-dateutil's ``rrule``) and only then
attaches the zone (``zoneinfo``), so a 10:00 group stays at 10:00 across a
daylight-saving change while its UTC instant moves by an hour. A local time that does not
exist on a spring-forward day resolves as ``zoneinfo`` does (fold 0: the offset before
the change), which lands the session one hour later on the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import DAILY, rrule, rrulestr

#: Frequencies a group may meet at (no hourly or finer series).
ALLOWED_FREQUENCIES = frozenset({"YEARLY", "MONTHLY", "WEEKLY", "DAILY"})
#: How many sessions a series may have at most (a yearly cap for open-ended weekly ones).
MAX_EXPANSION = 1000


class ScheduleError(ValueError):
    """The schedule cannot be used; ``code`` says which part (for a 400 answer)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Schedule:
    starts_on: dt.date
    start_time: dt.time
    time_zone: str
    rrule: str = ""
    exdates: Sequence[str] = ()
    duration_minutes: int = 90

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.time_zone)

    @property
    def local_start(self) -> dt.datetime:
        return dt.datetime.combine(self.starts_on, self.start_time)

    @property
    def starts_at(self) -> dt.datetime:
        """The first session's start as an aware datetime."""
        return self.local_start.replace(tzinfo=self.zone)

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.duration_minutes)


def zone(name: str) -> ZoneInfo:
    if name not in _zone_names():
        raise ScheduleError("time_zone_unknown", f"Unknown time zone {name!r} (use an IANA name).")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:  # pragma: no cover - listed above
        raise ScheduleError("time_zone_unknown", str(error)) from error


_ZONES: frozenset[str] | None = None


def _zone_names() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def parse_rule(text: str, local_start: dt.datetime) -> rrule:
    """The RRULE ``text`` (without DTSTART) from ``local_start``; ScheduleError if it is
    not a rule a group can meet by."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if not body:
        return rrule(DAILY, count=1, dtstart=local_start)
    if any(part in body.upper() for part in ("DTSTART", "\n", "EXRULE", "RDATE")):
        raise ScheduleError("rrule_invalid", "Give the RRULE alone (no DTSTART, RDATE or EXRULE).")
    fields = dict(part.split("=", 1) for part in body.upper().split(";") if "=" in part)
    if fields.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise ScheduleError("rrule_frequency", "Groups meet yearly, monthly, weekly or daily at most.")
    if fields.get("UNTIL", "").endswith("Z"):
        # UNTIL in UTC: compare in local wall-clock time like the rest of the rule.
        raise ScheduleError("rrule_until_utc", "Give UNTIL as a local date or date-time (no Z).")
    if "UNTIL" in fields:
        body = ";".join(
            f"UNTIL={until_local(value):%Y%m%dT%H%M%S}" if key.upper() == "UNTIL" else f"{key}={value}"
            for key, _, value in (part.partition("=") for part in body.split(";") if part)
        )
    try:
        rule = rrulestr(body, dtstart=local_start, forceset=False)
    except (ValueError, TypeError) as error:
        raise ScheduleError("rrule_invalid", f"Not an iCalendar RRULE: {error}.") from error
    if not isinstance(rule, rrule):  # pragma: no cover - forceset=False
        raise ScheduleError("rrule_invalid", "Give one RRULE.")
    return rule


def until_local(value: str) -> dt.datetime:
    """A rule's UNTIL as a local wall-clock date-time. A bare date means the end of that
    day, so a session on it is in the series (what a host writing "until November 24"
    means; python-dateutil alone would read its midnight and leave that session out)."""
    text = value.strip().upper()
    try:
        if "T" in text:
            return dt.datetime.strptime(text[:15], "%Y%m%dT%H%M%S")
        return dt.datetime.combine(dt.datetime.strptime(text[:8], "%Y%m%d").date(), dt.time(23, 59, 59))
    except ValueError as error:
        raise ScheduleError("rrule_invalid", f"UNTIL is not a date or date-time: {value!r}.") from error


def parse_exdates(values: Sequence[str]) -> frozenset[dt.date]:
    dates: set[dt.date] = set()
    for value in values:
        try:
            dates.add(dt.date.fromisoformat(str(value)[:10]))
        except ValueError as error:
            raise ScheduleError("exdate_invalid", f"Not a date (YYYY-MM-DD): {value!r}.") from error
    return frozenset(dates)


def validate(schedule: Schedule) -> None:
    """Raise ScheduleError when the schedule cannot be used."""
    schedule.zone  # noqa: B018 - raises on an unknown zone
    parse_rule(schedule.rrule, schedule.local_start)
    parse_exdates(schedule.exdates)
    if not 5 <= schedule.duration_minutes <= 12 * 60:
        raise ScheduleError("duration_invalid", "A session lasts between 5 minutes and 12 hours.")


def _local_occurrences(schedule: Schedule) -> Iterator[dt.datetime]:
    skipped = parse_exdates(schedule.exdates)
    rule = parse_rule(schedule.rrule, schedule.local_start)
    for local in islice(rule, MAX_EXPANSION):
        if local.date() not in skipped:
            yield local


def occurrences(
    schedule: Schedule,
    *,
    after: dt.datetime | None = None,
    before: dt.datetime | None = None,
    limit: int = MAX_EXPANSION,
) -> list[dt.datetime]:
    """The sessions' starts (aware, in the group's zone), in order; only those starting
    at or after ``after`` and before ``before`` when given; at most ``limit``."""
    tz = schedule.zone
    found: list[dt.datetime] = []
    for local in _local_occurrences(schedule):
        start = local.replace(tzinfo=tz)
        if before is not None and start >= before:
            break
        if after is not None and start < after:
            continue
        found.append(start)
        if len(found) >= limit:
            break
    return found


def is_occurrence(schedule: Schedule, start: dt.datetime) -> bool:
    """Whether ``start`` (aware) is the start of one of the sessions."""
    window = dt.timedelta(minutes=1)
    return any(abs(found - start) < window for found in occurrences(schedule, after=start - window, limit=1))
