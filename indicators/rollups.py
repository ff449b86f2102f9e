"""The report a network lead reads, assembled from published periods
(``indicators.publication``), and the job that publishes closed periods ahead of the
first reader (``indicators.tasks``).

A period is published once and then always read back as stored: the hourly job keeps
the monthly tallies (``indicators.monthly``) current and publishes every closed period
not yet published, so after its run any period and filter a reader may ask for is one
stored row. Every answer says
``source`` (``rollup``: published before this request; ``live``: published by it) and
``as_of`` (when the period's figures were computed).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Min
from django.utils import timezone
from django.utils.http import urlencode

from consent.models import ConsentEvent
from indicators import monthly, publication, selectors
from indicators.params import EARLIEST_YEAR, Filters, last_closed
from indicators.suppression import SUPPRESSED, THRESHOLD
from referrals.models import Referral

METHOD = (
    "Aligned, closed periods only (months, quarters, years; a discipline or a state "
    "for a quarter only), each published once and then never recomputed; counts from "
    "1 to 10 are withheld, and so is any count that would let one be worked out from "
    "the totals, the other months, quarters, disciplines or states."
)


def rollup_key(filters: Filters) -> str:
    return urlencode(sorted(filters.as_query().items()))


# Blocks added after periods were first published (issue 27: needs met and barriers). A
# period stored before has none: it answers null for them rather than being recomputed
# (a published period never changes), and the page says so.
LATER_BLOCKS = ("needs_met", "barriers")


def _with_later_blocks(block: dict[str, Any]) -> dict[str, Any]:
    return {**block, **{name: block.get(name) for name in LATER_BLOCKS}}


def current_report(filters: Filters, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The published report for ``filters``: its period and the previous one (as
    stored), and directory capacity as of today."""
    now = now or timezone.now()
    (current, as_of, stored), (previous, _, _) = publication.published_blocks(
        [filters.period, filters.period.previous()], filters.slice, now
    )
    return {
        "period": selectors.period_json(filters.period),
        "previous_period": selectors.period_json(filters.period.previous()),
        "filters": selectors.filters_json(filters),
        "area_rule": selectors.AREA_RULE,
        "suppression": {"threshold": THRESHOLD, "marker": SUPPRESSED, "method": METHOD},
        "current": _with_later_blocks(current),
        "previous": _with_later_blocks(previous),
        "capacity": selectors.capacity_report(filters),
        "source": "rollup" if stored else "live",
        "as_of": as_of.isoformat(),
    }


def _data_years(today: datetime.date) -> set[int]:
    """Every calendar year from the first counted referral or consent event to today."""
    firsts = [
        Referral.objects.aggregate(first=Min("sent_at"))["first"],
        ConsentEvent.objects.aggregate(first=Min("at"))["first"],
    ]
    earliest = min((f.year for f in firsts if f is not None), default=today.year)
    return set(range(max(earliest, EARLIEST_YEAR), today.year + 1))


def refresh_rollups(now: datetime.datetime | None = None) -> dict[str, int]:
    """The hourly job. First the monthly tallies of the year now running (and of the
    year of the last closed month, in January) are recomputed, so they stay within
    ``INDICATORS_TALLY_MAX_AGE_S``; then every closed, unpublished period of every year
    with referrals or consent events is published from the tallies (the latest closed
    month, quarter and year among them), so any period a reader asks for is already
    stored. Idempotent: what is published stays; a second run publishes nothing.
    Returns ``{"published", "years", "tallied"}``."""
    now = now or timezone.now()
    today = now.date()
    tallied = sorted({today.year, last_closed("month", today).start.year})
    for year in tallied:
        monthly.refresh_year(year, now)
    years = set(_data_years(today))
    for kind in ("month", "quarter", "year"):
        period = last_closed(kind, today)
        years |= {period.start.year, period.previous().start.year}
    published = sum(publication.publish_year(year, now) for year in sorted(years))
    return {"published": published, "years": len(years), "tallied": len(tallied)}
