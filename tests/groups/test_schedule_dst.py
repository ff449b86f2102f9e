"""Sessions keep their wall-clock time across a daylight-saving change."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from groups.schedule import Schedule, ScheduleError, is_occurrence, occurrences, validate

UTC = dt.UTC


def test_weekly_ten_oclock_across_the_november_change() -> None:
    # 2026-11-01 is when Detroit falls back from EDT (UTC-4) to EST (UTC-5).
    weekly = Schedule(
        starts_on=dt.date(2026, 10, 20),
        start_time=dt.time(10, 0),
        time_zone="America/Detroit",
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=4",
        exdates=("2026-10-27",),
    )
    starts = occurrences(weekly)
    assert [s.astimezone(UTC).strftime("%m-%d %H:%M") for s in starts] == [
        "10-20 14:00",
        "11-03 15:00",
        "11-10 15:00",
    ]
    assert all(s.astimezone(ZoneInfo("America/Detroit")).hour == 10 for s in starts)
    assert is_occurrence(weekly, dt.datetime(2026, 11, 3, 15, 0, tzinfo=UTC))
    assert not is_occurrence(weekly, dt.datetime(2026, 10, 27, 14, 0, tzinfo=UTC))


def test_monthly_by_weekday_and_window() -> None:
    monthly = Schedule(
        starts_on=dt.date(2027, 1, 5),
        start_time=dt.time(18, 30),
        time_zone="America/Detroit",
        rrule="FREQ=MONTHLY;BYDAY=1TU",
        duration_minutes=120,
    )
    after = dt.datetime(2027, 3, 1, tzinfo=UTC)
    assert [s.date() for s in occurrences(monthly, after=after, limit=3)] == [
        dt.date(2027, 3, 2),
        dt.date(2027, 4, 6),
        dt.date(2027, 5, 4),
    ]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"rrule": "FREQ=HOURLY;COUNT=3"}, "rrule_frequency"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=XX"}, "rrule_invalid"),
        ({"rrule": "FREQ=WEEKLY;UNTIL=20270101T000000Z"}, "rrule_until_utc"),
        ({"time_zone": "Mars/Olympus"}, "time_zone_unknown"),
        ({"exdates": ("next tuesday",)}, "exdate_invalid"),
        ({"duration_minutes": 0}, "duration_invalid"),
    ],
)
def test_bad_schedules_say_which_part(changes: dict[str, object], code: str) -> None:
    base = {
        "starts_on": dt.date(2027, 1, 5),
        "start_time": dt.time(10),
        "time_zone": "America/Detroit",
        "rrule": "FREQ=WEEKLY;COUNT=2",
    }
    with pytest.raises(ScheduleError) as error:
        validate(Schedule(**{**base, **changes}))  # type: ignore[arg-type]
    assert error.value.code == code


def test_until_a_date_keeps_the_session_on_that_date() -> None:
    until_the_24th = Schedule(
        starts_on=dt.date(2026, 11, 10),
        start_time=dt.time(18, 0),
        time_zone="America/Detroit",
        rrule="FREQ=WEEKLY;UNTIL=20261124",
    )
    assert [s.date() for s in occurrences(until_the_24th)] == [
        dt.date(2026, 11, 10),
        dt.date(2026, 11, 17),
        dt.date(2026, 11, 24),
    ]
