"""A group's schedule as an iCalendar file (RFC 5545), written by hand: one VEVENT whose
DTSTART, RRULE and EXDATE are the group's local wall-clock times with a TZID, and a
VTIMEZONE for that zone built from ``zoneinfo``'s transitions over the years the
sessions cover, so a calendar app expands the same sessions as ``groups.schedule``.

Public calendars carry nothing private: the group's name, kind, city (or "Video") and
description. A registrant's own calendar may add the video link (``video_url``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from zoneinfo import ZoneInfo

from groups.models import Group
from groups.schedule import Schedule, occurrences, parse_exdates, parse_rule, until_local

PRODID = "-//Referral Hub//Groups//EN"
UTC = dt.UTC
# The VTIMEZONE lists each transition of the years the sessions cover (an open-ended
# series: as far as ``groups.schedule`` expands it, MAX_EXPANSION sessions), at most this
# many years: past its last transition a calendar app keeps the last offset.
MAX_ZONE_YEARS = 25


def escape(text: str) -> str:
    """RFC 5545 TEXT escaping (3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (3.1), never inside a UTF-8 character."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _local(value: dt.datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def _utc(value: dt.datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _offset(delta: dt.timedelta | None) -> str:
    seconds = int((delta or dt.timedelta()).total_seconds())
    sign = "+" if seconds >= 0 else "-"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


def ics_rrule(schedule: Schedule) -> str:
    """The stored RRULE for a calendar: UNTIL (a local date or date-time in our rule) is
    given in UTC, as RFC 5545 requires with a zoned DTSTART (3.3.10)."""
    body = schedule.rrule.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    parts: list[str] = []
    for part in body.split(";"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if name.upper() == "UNTIL":
            value = _utc(until_local(value).replace(tzinfo=schedule.zone))
        parts.append(f"{name.upper()}={value}")
    return ";".join(parts)


def _transitions(tz: ZoneInfo, start: dt.datetime, end: dt.datetime) -> Iterator[dt.datetime]:
    """The UTC instants in [start, end) at which the zone's offset changes."""
    step = dt.timedelta(days=1)
    at = start
    before = at.astimezone(tz).utcoffset()
    while at < end:
        later = at + step
        after = later.astimezone(tz).utcoffset()
        if after != before:
            low, high = at, later
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(tz).utcoffset() == before:
                    low = middle
                else:
                    high = middle
            yield high.replace(second=0, microsecond=0)
        at, before = later, after


def _observance(tz: ZoneInfo, at: dt.datetime, offset_from: dt.timedelta | None) -> list[str]:
    local = at.astimezone(tz)
    kind = "DAYLIGHT" if local.dst() else "STANDARD"
    offset_to = local.utcoffset()
    # DTSTART of an observance is local time in the offset before it (3.6.5).
    start = (at + (offset_from if offset_from is not None else offset_to or dt.timedelta())).replace(
        tzinfo=None
    )
    return [
        f"BEGIN:{kind}",
        f"DTSTART:{_local(start)}",
        f"TZOFFSETFROM:{_offset(offset_from if offset_from is not None else offset_to)}",
        f"TZOFFSETTO:{_offset(offset_to)}",
        f"TZNAME:{escape(local.tzname() or tz.key)}",
        f"END:{kind}",
    ]


def vtimezone(tz: ZoneInfo, first_year: int, last_year: int) -> list[str]:
    """A VTIMEZONE for ``tz`` from January 1 of ``first_year`` through ``last_year``:
    the observance in force at the start and one per transition."""
    start = dt.datetime(first_year, 1, 1, tzinfo=UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=UTC)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tz.key}"]
    lines += _observance(tz, start, None)
    offset = start.astimezone(tz).utcoffset()
    for at in _transitions(tz, start, end):
        lines += _observance(tz, at, offset)
        offset = at.astimezone(tz).utcoffset()
    lines.append("END:VTIMEZONE")
    return lines


def _years(schedule: Schedule) -> tuple[int, int]:
    sessions = occurrences(schedule)
    first = schedule.starts_on.year
    last = sessions[-1].year if sessions else first
    return first, max(first, min(last, first + MAX_ZONE_YEARS))


def first_start(schedule: Schedule) -> dt.datetime:
    """The rule's first session (local). RFC 5545 counts DTSTART as a session even when
    the rule does not match it; python-dateutil (and so the site) does not: a group
    starting on a Monday with BYDAY=TU first meets on the Tuesday, and so does its file."""
    first = next(iter(parse_rule(schedule.rrule, schedule.local_start)), None)
    return first if first is not None else schedule.local_start


def place_words(group: Group) -> str:
    """LOCATION: the city (public like the listing's), or "Video"."""
    location = group.location
    if location is not None:
        return ", ".join(part for part in (location.city, location.state) if part)
    return "Video" if group.online else ""


def _event(group: Group, *, description: str, stamp: dt.datetime) -> list[str]:
    schedule = group.schedule
    tzid = schedule.time_zone
    lines = [
        "BEGIN:VEVENT",
        f"UID:group-{group.hsds_id}@referral-hub",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART;TZID={tzid}:{_local(first_start(schedule))}",
        f"DURATION:PT{schedule.duration_minutes}M",
    ]
    rule = ics_rrule(schedule)
    if rule:
        lines.append(f"RRULE:{rule}")
    skipped = sorted(parse_exdates(schedule.exdates))
    if skipped:
        values = ",".join(_local(dt.datetime.combine(day, schedule.start_time)) for day in skipped)
        lines.append(f"EXDATE;TZID={tzid}:{values}")
    lines.append(f"SUMMARY:{escape(group.name)}")
    where = place_words(group)
    if where:
        lines.append(f"LOCATION:{escape(where)}")
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    if group.cancelled_at is not None:
        lines.append("STATUS:CANCELLED")
    lines.append("END:VEVENT")
    return lines


def calendar(group: Group, *, extra_description: Sequence[str] = ()) -> str:
    """The group's VCALENDAR (CRLF lines, folded). ``extra_description`` adds lines to
    the event's DESCRIPTION (a registrant's video link)."""
    schedule = group.schedule
    first, last = _years(schedule)
    description = "\n\n".join(part for part in (group.description.strip(), *extra_description) if part)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(group.name)}",
        *vtimezone(schedule.zone, first, last),
        *_event(group, description=description, stamp=group.updated_at or group.created_at or _now()),
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)


def _now() -> dt.datetime:
    return dt.datetime.now(UTC).replace(microsecond=0)


def filename(group: Group) -> str:
    return f"group-{group.pk}.ics"
