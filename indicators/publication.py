"""Publishing the indicators so that no combination of answers undoes the suppression.

Only aligned, closed periods are published (``indicators.params``). All the figures of
one calendar year — the year, its closed quarters (the network, each recipient
discipline, each state) and its closed months (the network) — are suppressed together
(``suppression.suppress_linked``) with the relations between them: months add up to
their quarter, quarters to their year, disciplines and states (plus what is left over,
never published) to the network. A period is computed once, by the job
(``rollups.refresh_rollups``: at each month's boundary and hourly), and **stored as
published** (``IndicatorRollup``): every later
answer for it — API, CSV, page, the previous period of the next one — is that stored
block, so two answers for the same period never differ. A period computed later (the
year, once it closes) is suppressed with the stored ones held as they were published.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.db import transaction

from directory.models import Discipline, Location
from indicators import monthly, selectors
from indicators.ledger import Ledger, Slot, resolve
from indicators.models import IndicatorRollup
from indicators.params import Period
from indicators.suppression import suppress_linked

NETWORK = "all"


def block_key(period: Period, slice_: str) -> str:
    return f"{period.key}:{slice_}"


def _quarter_slices(extra: str | None) -> list[str]:
    states = {
        s.upper()
        for s in Location.objects.order_by().values_list("state", flat=True).distinct()
        if len(s.strip()) == 2
    }
    slices = [f"discipline:{d}" for d in Discipline.values] + [f"state:{s}" for s in sorted(states)]
    if extra and extra != NETWORK and extra not in slices:
        slices.append(extra)
    return slices


def _year_blocks(year: int, today: datetime.date, slices: list[str]) -> list[tuple[Period, str]]:
    """The closed periods of ``year`` and their populations, parents first."""
    whole = Period("year", datetime.date(year, 1, 1))
    blocks: list[tuple[Period, str]] = []
    if whole.closed(today):
        blocks.append((whole, NETWORK))
    for quarter in whole.parts():
        if not quarter.closed(today):
            continue
        blocks.append((quarter, NETWORK))
        blocks += [(quarter, s) for s in slices]
    for quarter in whole.parts():
        blocks += [(month, NETWORK) for month in quarter.parts() if month.closed(today)]
    return blocks


class _Year:
    """True counts of every block of a year in one ledger, with their relations."""

    def __init__(self, source: selectors.TallySource, blocks: list[tuple[Period, str]]) -> None:
        self.ledger = Ledger()
        self.virtual: set[str] = set()
        self.reports: dict[str, dict[str, Any]] = {}
        self.slots: dict[str, dict[str, Slot]] = {}
        for period, slice_ in blocks:
            key = block_key(period, slice_)
            before = len(self.ledger.values)
            self.reports[key] = selectors.period_block(self.ledger, key, period, slice_, source, source.as_of)
            added = list(self.ledger.values)[before:]
            self.slots[key] = {k[len(key) + 1 :]: Slot(k, self.ledger.values[k]) for k in added}
        present = {period.key for period, _ in blocks}
        for period, _ in blocks:
            parts = [p for p in period.parts() if p.key in present]
            if parts and block_key(period, NETWORK) in self.slots:
                self._add_up(block_key(period, NETWORK), [block_key(p, NETWORK) for p in parts], None)
        for period, slice_ in blocks:
            if period.kind == "quarter" and slice_ == NETWORK:
                for kind in ("discipline", "state"):
                    members = [block_key(period, s) for p, s in blocks if p == period and s.startswith(kind)]
                    self._add_up(block_key(period, NETWORK), members, f"{block_key(period, 'rest')}-{kind}")

    def _add_up(self, total: str, parts: list[str], rest: str | None) -> None:
        """Each count of ``total`` is the sum of the same count in ``parts`` (and in
        ``rest``, what the parts leave out, never published)."""
        for suffix, slot in self.slots[total].items():
            mine = [self.slots[p][suffix] for p in parts if suffix in self.slots[p]]
            if not mine:
                continue
            if rest is not None:
                left = self.ledger.count(f"{rest}.{suffix}", slot.value - sum(s.value for s in mine))
                self.virtual.add(left.key)
                mine.append(left)
            self.ledger.relate(slot, mine)


def _stored(keys: list[str]) -> dict[str, IndicatorRollup]:
    return {r.key: r for r in IndicatorRollup.objects.filter(key__in=keys)}


def publish_year(
    year: int, now: datetime.datetime, slice_: str = NETWORK, source: selectors.TallySource | None = None
) -> int:
    """Store every closed, not yet published block of ``year``; returns how many. The
    figures are added up from the year's monthly tallies (``indicators.monthly``;
    recomputed first when older than the newest period's end or than their maximum age),
    or from ``source`` when given; they are as of the source's time (``as_of``)."""
    blocks = _year_blocks(year, now.date(), _quarter_slices(slice_))
    keys = [block_key(p, s) for p, s in blocks]
    stored = _stored(keys)
    if len(stored) == len(keys):
        return 0
    started = time.perf_counter()
    if source is None:
        ended = max(p.bounds()[1] for p, s in blocks if block_key(p, s) not in stored)
        source = monthly.cube_for(year, ended, now)
    lattice = _Year(source, blocks)
    # Stored cells keep their state. The attacker knows a shown one as it was published:
    # where today's true count differs (a referral cancelled since), every new cell of
    # its relations is withheld, or the new total minus the published parts would tell
    # how many changed.
    values = dict(lattice.ledger.values)
    fixed: dict[str, bool] = {}
    drifted: set[str] = set()
    for key, row in stored.items():
        for suffix, value in row.report["cells"].items():
            cell = f"{key}.{suffix}"
            fixed[cell] = value == "<11"
            if cell in values and isinstance(value, int) and value != values[cell]:
                drifted.add(cell)
                values[cell] = value
    for total, parts in lattice.ledger.relations:
        keys = [total, *parts]
        if drifted & set(keys):
            fixed.update({k: True for k in keys if k not in fixed and k not in lattice.virtual})
    hidden = suppress_linked(values, lattice.ledger.relations, virtual=lattice.virtual, fixed=fixed)
    elapsed = int((time.perf_counter() - started) * 1000)
    rows = []
    for period, slice_name in blocks:
        key = block_key(period, slice_name)
        if key in stored:
            continue
        cells = {suffix: resolve(slot, hidden) for suffix, slot in lattice.slots[key].items()}
        rows.append(
            IndicatorRollup(
                key=key,
                period_from=period.start,
                period_to=period.end,
                report={"block": resolve(lattice.reports[key], hidden), "cells": cells},
                computed_at=source.as_of,
                compute_ms=elapsed,
            )
        )
    with transaction.atomic():
        # Two first readers at once: the first one's figures stay (the same figures).
        IndicatorRollup.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def published_blocks(
    periods: list[Period], slice_: str
) -> list[tuple[dict[str, Any], datetime.datetime] | None]:
    """The published block of each of ``periods`` for ``slice_`` with its ``as_of``, or
    ``None`` where it is not published yet: one query for all of them, reading only the
    blocks. A read never publishes (the job does: ``rollups.refresh_rollups``), so it
    never runs the year's suppression nor shows a figure suppressed apart from its year."""
    keys = [block_key(period, slice_) for period in periods]
    found = _blocks(keys)
    return [found.get(key) for key in keys]


def job_slices() -> list[str]:
    """The populations the job publishes for a quarter besides the network: each
    discipline and each state with a listed provider (one query)."""
    return _quarter_slices(None)


def _blocks(keys: list[str]) -> dict[str, tuple[dict[str, Any], datetime.datetime]]:
    rows = IndicatorRollup.objects.filter(key__in=keys).values_list("key", "report__block", "computed_at")
    return {key: (block, computed_at) for key, block, computed_at in rows}
