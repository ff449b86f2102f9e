"""200 generated recurrence rules (weekly with day sets and intervals, monthly by
weekday such as 1TU or -1FR, with COUNT or UNTIL, with exceptions drawn from their own
sessions, each starting shortly before a daylight-saving change in its zone) expand, in
``groups.schedule``, to the same sessions as python-dateutil's ``rruleset`` computes
here on its own; each session keeps its wall-clock time across the change; and the
group's .ics file expands (dateutil reading its DTSTART;TZID, RRULE, EXDATE) to the same
instants."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dateutil.rrule import rruleset, rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups import ics
from groups.models import Group
from groups.schedule import Schedule, occurrences

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# Each zone's daylight-saving changes in 2026/2027 (local dates), from the tz database.
CHANGES = {
    "America/Detroit": [dt.date(2026, 3, 8), dt.date(2026, 11, 1), dt.date(2027, 3, 14)],
    "Europe/Madrid": [dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2027, 3, 28)],
    "America/Los_Angeles": [dt.date(2026, 3, 8), dt.date(2026, 11, 1)],
    "Australia/Sydney": [dt.date(2026, 4, 5), dt.date(2026, 10, 4)],
}


@st.composite
def weekly_rules(draw: st.DrawFn) -> tuple[str, int]:
    """(rule without COUNT/UNTIL, how many weeks it needs to cross a change)."""
    days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=4, unique=True))
    interval = draw(st.integers(1, 2))
    rule = f"FREQ=WEEKLY;BYDAY={','.join(days)}" + (f";INTERVAL={interval}" if interval > 1 else "")
    return rule, len(days)


@st.composite
def monthly_rules(draw: st.DrawFn) -> tuple[str, int]:
    nth = draw(st.sampled_from([1, 2, 3, 4, -1]))
    day = draw(st.sampled_from(DAYS))
    return f"FREQ=MONTHLY;BYDAY={nth}{day}", 1


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    zone = draw(st.sampled_from(sorted(CHANGES)))
    change = draw(st.sampled_from(CHANGES[zone]))
    monthly = draw(st.booleans())
    rule, per_period = draw(monthly_rules() if monthly else weekly_rules())
    # The series starts 2 to 6 weeks (weekly) or 6 weeks to 4 months (monthly) before
    # the change, so 8 or more periods always cross it.
    before = draw(st.integers(15, 42) if not monthly else st.integers(40, 120))
    start_time = dt.time(draw(st.integers(6, 21)), draw(st.sampled_from([0, 15, 30, 45])))
    drawn = dt.datetime.combine(change - dt.timedelta(days=before), start_time)
    # Either the first session's date, or a date the rule does not meet on (the first
    # session follows it, within two weeks or a month, still before the change).
    starts_on = rrulestr(rule, dtstart=drawn)[0].date() if draw(st.booleans()) else drawn.date()
    periods = draw(st.integers(8, 16))
    if draw(st.booleans()):
        rule += f";COUNT={periods * per_period}"
    else:
        span = dt.timedelta(weeks=periods * (2 if "INTERVAL=2" in rule else 1)) if not monthly else None
        until = starts_on + (span if span is not None else dt.timedelta(days=31 * periods))
        rule += f";UNTIL={until:%Y%m%d}T235959"
    local_start = dt.datetime.combine(starts_on, start_time)
    sessions = list(rrulestr(rule, dtstart=local_start))
    # Exceptions among the sessions between the first (before the change) and the last.
    skipped = draw(st.lists(st.sampled_from(sessions[1:-1]), max_size=3, unique=True))
    return Schedule(
        starts_on=starts_on,
        start_time=start_time,
        time_zone=zone,
        rrule=rule,
        exdates=tuple(s.date().isoformat() for s in skipped),
    )


def independently(schedule: Schedule) -> list[dt.datetime]:
    """dateutil's rruleset over naive local times, the zone attached afterwards."""
    local_start = dt.datetime.combine(schedule.starts_on, schedule.start_time)
    series = rruleset()
    series.rrule(rrulestr(schedule.rrule, dtstart=local_start))
    for day in schedule.exdates:
        series.exdate(dt.datetime.combine(dt.date.fromisoformat(day), schedule.start_time))
    zone = ZoneInfo(schedule.time_zone)
    return [local.replace(tzinfo=zone) for local in series]


def from_ics(text: str) -> list[dt.datetime]:
    """What a calendar app expands from the .ics: its DTSTART, RRULE and EXDATE lines."""
    unfolded = text.replace("\r\n ", "")
    event = unfolded.split("BEGIN:VEVENT\r\n")[1]
    wanted = [line for line in event.split("\r\n") if line.startswith(("DTSTART", "RRULE:", "EXDATE"))]
    return list(rrulestr("\n".join(wanted), forceset=True))


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(schedules())
def test_generated_rules_expand_as_dateutil_computes_them_across_a_daylight_saving_change(
    schedule: Schedule,
) -> None:
    ours = occurrences(schedule)
    expected = independently(schedule)
    assert ours == expected
    assert len(ours) >= 2
    zone = ZoneInfo(schedule.time_zone)
    # Wall-clock time constant, UTC offset not: the series crosses a change.
    assert {s.astimezone(dt.UTC).astimezone(zone).time() for s in ours} == {schedule.start_time}
    assert len({s.utcoffset() for s in ours}) == 2
    skipped = {dt.date.fromisoformat(day) for day in schedule.exdates}
    assert not skipped & {s.date() for s in ours}

    group = Group(
        name="Generated",
        starts_on=schedule.starts_on,
        start_time=schedule.start_time,
        time_zone=schedule.time_zone,
        rrule=schedule.rrule,
        exdates=list(schedule.exdates),
        capacity=5,
        duration_minutes=schedule.duration_minutes,
    )
    assert from_ics(ics.calendar(group)) == ours
