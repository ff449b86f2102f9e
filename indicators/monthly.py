"""The pre-aggregated monthly table (``MonthlyTally``): each calendar month's true counts
per recipient discipline and state, from which any period and population is added up
(``Cube``) instead of reading the year's referrals again.

A year's tallies are computed together (``refresh_year``: the year's rows, as
``selectors.load_year`` reads them, because a child counts at its first referral of the
calendar year) and replace the year's rows at once. A period may be published from them
only when they were computed after the period ended and are at most
``INDICATORS_TALLY_MAX_AGE_S`` old (``cube_for``); otherwise they are recomputed first.
The hourly job (``rollups.refresh_rollups``) keeps the recent years' tallies young, so a
period that closes is published from them. The published figures then say ``as_of`` the
tallies' time: every count and every clock (the 7- and 45-day ones) is as of then.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from indicators import selectors
from indicators import tally as tally_
from indicators.models import MonthlyTally, TallyYear
from indicators.params import Period
from indicators.tally import Tally

Cell = tuple[str, str, str]  # ("2026-03", recipient discipline or "", state or "")


def _state(raw: str | None) -> str:
    return (raw or "").strip().upper()


def tally_year(data: selectors.YearData) -> dict[Cell, Tally]:
    """A year's rows tallied by month sent, recipient discipline and state."""
    cells: dict[Cell, Tally] = defaultdict(Tally)
    where: dict[int, Tally] = {}
    for r in data.rows:
        cell = cells[
            (f"{r.sent_at.year:04d}-{r.sent_at.month:02d}", r.to_discipline, _state(r.recipient_state))
        ]
        band = selectors.age_band(selectors.age_months(r.date_of_birth, r.sent_at.date()))
        tally_.count_referral(cell, r, r.id in data.first_ids, band)
        where[r.id] = cell
    for s in data.screenings:
        if s.referral_id in where:
            tally_.count_screening(where[s.referral_id], s.instrument, s.band)
    for e in data.consents:
        key = (f"{e.at.year:04d}-{e.at.month:02d}", e.discipline or "", _state(e.state))
        tally_.count_consent(cells[key], e.kind)
    return cells


def refresh_year(year: int, now: datetime.datetime | None = None) -> TallyYear:
    """Recompute ``year``'s monthly tallies from its referrals and store them (replacing
    the year's rows in one transaction). Idempotent."""
    now = now or timezone.now()
    started = time.perf_counter()
    cells = tally_year(selectors.load_year(year))
    rows = [
        MonthlyTally(
            month=datetime.date.fromisoformat(f"{month}-01"), discipline=d, state=s, tally=t.to_json()
        )
        for (month, d, s), t in sorted(cells.items())
    ]
    elapsed = int((time.perf_counter() - started) * 1000)
    with transaction.atomic():
        # One refresh of a year at a time (two first readers, or a reader and the job):
        # the second waits on the year's row, then replaces the first one's tallies.
        TallyYear.objects.get_or_create(year=year, defaults={"computed_at": now})
        marker = TallyYear.objects.select_for_update().get(year=year)
        MonthlyTally.objects.filter(
            month__gte=datetime.date(year, 1, 1), month__lt=datetime.date(year + 1, 1, 1)
        ).delete()
        MonthlyTally.objects.bulk_create(rows)
        marker.computed_at, marker.compute_ms = now, elapsed
        marker.save(update_fields=["computed_at", "compute_ms"])
    return marker


class Cube:
    """A year's stored tallies, added up per month and population on demand (a
    ``selectors.TallySource``)."""

    def __init__(self, cells: dict[Cell, Tally], as_of: datetime.datetime) -> None:
        self.as_of = as_of
        self.by_month: dict[str, list[tuple[str, str, Tally]]] = defaultdict(list)
        for (month, discipline, state), t in cells.items():
            self.by_month[month].append((discipline, state, t))
        self._months: dict[tuple[str, str], Tally] = {}

    def month(self, month: str, slice_: str) -> Tally:
        key = (month, slice_)
        if key not in self._months:
            self._months[key] = tally_.merge(
                t
                for discipline, state, t in self.by_month.get(month, [])
                if selectors.in_slice(slice_, discipline or None, state or None)
            )
        return self._months[key]

    def block(self, period: Period, slice_: str) -> Tally:
        return tally_.merge(self.month(month, slice_) for month in selectors.months_of(period))


def load_cube(year: int, as_of: datetime.datetime) -> Cube:
    rows = MonthlyTally.objects.filter(
        month__gte=datetime.date(year, 1, 1), month__lt=datetime.date(year + 1, 1, 1)
    ).values_list("month", "discipline", "state", "tally")
    cells = {(f"{m:%Y-%m}", d, s): Tally.from_json(t) for m, d, s, t in rows}
    return Cube(cells, as_of)


def usable(marker: TallyYear | None, ended: datetime.datetime, now: datetime.datetime) -> bool:
    """Whether a year's tallies may publish periods that ended at ``ended``: computed
    after that, and young enough."""
    if marker is None or marker.computed_at < ended:
        return False
    return (now - marker.computed_at).total_seconds() <= settings.INDICATORS_TALLY_MAX_AGE_S


def cube_for(year: int, ended: datetime.datetime, now: datetime.datetime) -> Cube:
    """``year``'s tallies for publishing periods that ended by ``ended`` (recomputed first
    when missing, older than the period's end, or too old)."""
    marker = TallyYear.objects.filter(year=year).first()
    if marker is None or not usable(marker, ended, now):
        marker = refresh_year(year, now)
    return load_cube(year, marker.computed_at)
