"""The dashboard's filters, parsed once for the API, the CSV and the web page.

``from``/``to`` are ISO dates (UTC days, both inclusive); the default period is the 365
days up to today. ``area`` is a state (``MI``), a ZIP3 (``481``) or a county
(``Washtenaw County, MI``); ``discipline`` a directory discipline code. A bad value is a
400 ``invalid_parameter`` naming the parameter.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import zipcodes
from django.utils import timezone

from directory.models import Discipline
from referral_hub.errors import ApplicationError

DEFAULT_DAYS = 365
MAX_DAYS = 5 * 366
# Far enough from date.min/max that the previous period and day bounds never overflow.
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)
STATE_RE = re.compile(r"^[A-Za-z]{2}$")
ZIP3_RE = re.compile(r"^\d{3}$")
COUNTY_RE = re.compile(r"^(?P<county>[^,]{2,80}),\s*(?P<state>[A-Za-z]{2})$")


@dataclass(frozen=True)
class Area:
    kind: str  # "state" | "county" | "zip3"
    value: str  # "MI" | "Washtenaw County, MI" | "481"
    zips: tuple[str, ...] = ()  # the 5-digit ZIPs of a county

    @property
    def label(self) -> str:
        return {"state": "State", "county": "County", "zip3": "ZIP3"}[self.kind] + f" {self.value}"


@dataclass(frozen=True)
class Period:
    start: datetime.date  # first day, inclusive
    end: datetime.date  # last day, inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        end = self.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start 00:00 UTC, the day after end 00:00 UTC)."""
        utc = datetime.UTC
        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=utc)
        after = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=utc
        )
        return first, after


@dataclass(frozen=True)
class Filters:
    period: Period
    area: Area | None = None
    discipline: str | None = None

    def as_query(self) -> dict[str, str]:
        query = {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()}
        if self.area:
            query["area"] = self.area.value
        if self.discipline:
            query["discipline"] = self.discipline
        return query


def invalid(parameter: str, message: str) -> ApplicationError:
    return ApplicationError(
        "invalid_parameter", f"{parameter}: {message}", 400, extra={"parameter": parameter}
    )


def _date(raw: str | None, parameter: str) -> datetime.date | None:
    if raw is None or raw == "":
        return None
    try:
        value = datetime.date.fromisoformat(raw)
    except ValueError:
        raise invalid(parameter, "must be a date as YYYY-MM-DD.")
    if not EARLIEST <= value <= LATEST:
        raise invalid(parameter, f"must be between {EARLIEST} and {LATEST}.")
    return value


def parse_period(raw_from: str | None, raw_to: str | None, today: datetime.date | None = None) -> Period:
    today = today or timezone.now().date()
    start, end = _date(raw_from, "from"), _date(raw_to, "to")
    if end is None:
        end = today if start is None else min(today, start + datetime.timedelta(days=DEFAULT_DAYS - 1))
    if start is None:
        start = end - datetime.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise invalid("from", "must be on or before 'to'.")
    if (end - start).days + 1 > MAX_DAYS:
        raise invalid("from", f"the period may span at most {MAX_DAYS} days.")
    return Period(start, end)


@cache
def _states() -> frozenset[str]:
    return frozenset(row["state"] for row in zipcodes.list_all())  # type: ignore[no-untyped-call]  # zipcodes ships no types


@cache
def _county_zips(county: str, state: str) -> tuple[str, ...]:
    wanted = county.lower().removesuffix(" county").strip()
    return tuple(
        sorted(
            row["zip_code"]
            for row in zipcodes.filter_by(state=state)  # type: ignore[no-untyped-call]  # zipcodes ships no types
            if (row.get("county") or "").lower().removesuffix(" county").strip() == wanted
        )
    )


def parse_area(raw: str | None) -> Area | None:
    value = (raw or "").strip()
    if not value:
        return None
    if ZIP3_RE.match(value):
        return Area("zip3", value)
    if STATE_RE.match(value):
        if value.upper() not in _states():
            raise invalid("area", f"unknown state {value!r}.")
        return Area("state", value.upper())
    match = COUNTY_RE.match(value)
    if match:
        state = match["state"].upper()
        zips = _county_zips(match["county"].strip(), state)
        if not zips:
            raise invalid("area", f"unknown county {value!r}.")
        return Area("county", f"{match['county'].strip()}, {state}", zips)
    raise invalid("area", "use a state (MI), a ZIP3 (481) or a county ('Washtenaw County, MI').")


def parse_discipline(raw: str | None) -> str | None:
    if not raw:
        return None
    if raw not in Discipline.values:
        raise invalid("discipline", f"unknown discipline {raw!r}.")
    return raw


def parse_filters(query: Mapping[str, str], today: datetime.date | None = None) -> Filters:
    return Filters(
        period=parse_period(query.get("from"), query.get("to"), today),
        area=parse_area(query.get("area")),
        discipline=parse_discipline(query.get("discipline")),
    )
