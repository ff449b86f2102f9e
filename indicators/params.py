"""The dashboard's filters, parsed once for the API, the CSV and the web page.

Only **aligned, closed periods** are published (docs/indicators.md, "Differencing"):
``period`` is ``month``, ``quarter`` or ``year`` and ``start`` its first day
(``2026-07-01``); the period must have ended before today. The default is the last
closed quarter (``start`` left out: the last closed period of that kind). ``area`` (a
state) or ``discipline`` narrow a **quarter** only, never both at once. Free dates
(``from``/``to`` that are not exactly one aligned period), an open period, a ZIP3 or a
county, or a disallowed combination are a 400 ``period_not_allowed`` naming the
parameter; a malformed value is a 400 ``invalid_parameter``.
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

KINDS = ("month", "quarter", "year")
DEFAULT_KIND = "quarter"
# Published years: nothing before the network existed, nothing past a far bound.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2999


@dataclass(frozen=True)
class Area:
    kind: str  # "state" (ZIP3s and counties are no longer published)
    value: str  # "MI"

    @property
    def label(self) -> str:
        return f"State {self.value}"


def _add_months(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return datetime.date(year, month + 1, 1)


MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class Period:
    """An aligned calendar period: a month, a quarter or a year, from its first day."""

    kind: str  # "month" | "quarter" | "year"
    start: datetime.date  # first day, inclusive

    @property
    def end(self) -> datetime.date:
        """The last day, inclusive."""
        return _add_months(self.start, MONTHS_IN[self.kind]) - datetime.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.start.isoformat()}"

    def previous(self) -> Period:
        return Period(self.kind, _add_months(self.start, -MONTHS_IN[self.kind]))

    def parts(self) -> list[Period]:
        """The periods one level down (a year's quarters, a quarter's months)."""
        if self.kind == "month":
            return []
        kind, step = ("quarter", 3) if self.kind == "year" else ("month", 1)
        return [Period(kind, _add_months(self.start, i * step)) for i in range(MONTHS_IN[self.kind] // step)]

    def closed(self, today: datetime.date) -> bool:
        return self.end < today

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start 00:00 UTC, the day after end 00:00 UTC)."""
        utc = datetime.UTC
        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=utc)
        after = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=utc
        )
        return first, after


def aligned(kind: str, start: datetime.date) -> bool:
    if start.day != 1:
        return False
    return kind == "month" or (kind == "quarter" and start.month % 3 == 1) or start.month == 1


def last_closed(kind: str, today: datetime.date) -> Period:
    """The latest period of ``kind`` that ended before ``today``."""
    start = datetime.date(today.year, 1 if kind == "year" else today.month, 1)
    if kind == "quarter":
        start = start.replace(month=start.month - (start.month - 1) % 3)
    return Period(kind, start).previous()


@dataclass(frozen=True)
class Filters:
    period: Period
    area: Area | None = None
    discipline: str | None = None

    @property
    def slice(self) -> str:
        """Which population: ``all``, ``discipline:<code>`` or ``state:<XX>``."""
        if self.discipline:
            return f"discipline:{self.discipline}"
        if self.area:
            return f"state:{self.area.value}"
        return "all"

    def as_query(self) -> dict[str, str]:
        query = {"period": self.period.kind, "start": self.period.start.isoformat()}
        if self.area:
            query["area"] = self.area.value
        if self.discipline:
            query["discipline"] = self.discipline
        return query


def invalid(parameter: str, message: str) -> ApplicationError:
    return ApplicationError(
        "invalid_parameter", f"{parameter}: {message}", 400, extra={"parameter": parameter}
    )


def not_allowed(parameter: str, message: str) -> ApplicationError:
    return ApplicationError(
        "period_not_allowed", f"{parameter}: {message}", 400, extra={"parameter": parameter}
    )


FREE_DATES = (
    "only whole calendar periods that have ended are published: use period=month, quarter "
    "or year with start=its first day (e.g. period=quarter&start=2026-07-01)."
)


def _date(raw: str | None, parameter: str) -> datetime.date | None:
    if raw is None or raw == "":
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise invalid(parameter, "must be a date as YYYY-MM-DD.")


def _from_to(raw_from: str | None, raw_to: str | None) -> Period:
    """Backwards compatibility: ``from``/``to`` naming exactly one aligned period."""
    start, end = _date(raw_from, "from"), _date(raw_to, "to")
    if start is None or end is None:
        raise not_allowed("from" if start is None else "to", FREE_DATES)
    for kind in KINDS:
        if aligned(kind, start) and Period(kind, start).end == end:
            return Period(kind, start)
    raise not_allowed("from", FREE_DATES)


def parse_period(query: Mapping[str, str], today: datetime.date | None = None) -> Period:
    today = today or timezone.now().date()
    if query.get("from") or query.get("to"):
        if query.get("period") or query.get("start"):
            raise not_allowed("from", "give either period and start, or from and to, not both.")
        period = _from_to(query.get("from"), query.get("to"))
    else:
        kind = query.get("period") or DEFAULT_KIND
        if kind not in KINDS:
            raise not_allowed("period", "must be month, quarter or year.")
        start = _date(query.get("start"), "start")
        if start is None:
            return last_closed(kind, today)
        if not aligned(kind, start):
            raise not_allowed("start", f"a {kind} starts on the first day of a {kind} (e.g. 2026-07-01).")
        period = Period(kind, start)
    if not EARLIEST_YEAR <= period.start.year <= LATEST_YEAR:
        raise not_allowed("start", f"periods from {EARLIEST_YEAR} to {LATEST_YEAR} only.")
    if not period.closed(today):
        raise not_allowed(
            "start",
            f"the {period.kind} from {period.start} has not ended yet; only closed periods are published.",
        )
    return period


STATE_RE = re.compile(r"^[A-Za-z]{2}$")
ZIP3_RE = re.compile(r"^\d{3,5}$")
COUNTY_RE = re.compile(r"^(?P<county>[^,]{2,80}),\s*(?P<state>[A-Za-z]{2})$")


@cache
def _states() -> frozenset[str]:
    return frozenset(row["state"] for row in zipcodes.list_all())  # type: ignore[no-untyped-call]  # zipcodes ships no types


def parse_area(raw: str | None) -> Area | None:
    value = (raw or "").strip()
    if not value:
        return None
    if ZIP3_RE.match(value) or COUNTY_RE.match(value):
        raise not_allowed("area", "areas are published by state only (MI); ZIP3s and counties are too small.")
    if STATE_RE.match(value):
        if value.upper() not in _states():
            raise invalid("area", f"unknown state {value!r}.")
        return Area("state", value.upper())
    raise invalid("area", "use a state (MI).")


def parse_discipline(raw: str | None) -> str | None:
    if not raw:
        return None
    if raw not in Discipline.values:
        raise invalid("discipline", f"unknown discipline {raw!r}.")
    return raw


def parse_filters(query: Mapping[str, str], today: datetime.date | None = None) -> Filters:
    filters = Filters(
        period=parse_period(query, today),
        area=parse_area(query.get("area")),
        discipline=parse_discipline(query.get("discipline")),
    )
    if filters.area and filters.discipline:
        raise not_allowed("area", "an area and a discipline are never published together.")
    if (filters.area or filters.discipline) and filters.period.kind != "quarter":
        raise not_allowed("period", "an area or a discipline narrows a quarter only (period=quarter).")
    return filters
