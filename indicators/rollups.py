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
from directory.models import Location
from indicators import monthly, publication, selectors
from indicators.models import IndicatorRollup
from indicators.params import EARLIEST_YEAR, KINDS, Filters, last_closed
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


# The job's schedule (``apps.py``): at 00:00 UTC on each month's first day, when a month
# (and maybe a quarter and a year) has just closed, and hourly at this minute as a backstop.
HOURLY_MINUTE = 7
PUBLISHED, PENDING, UNAVAILABLE = "published", "pending", "unavailable"


def next_run(now: datetime.datetime) -> datetime.datetime:
    """When the job next starts: the next hourly run. (The boundary run, 00:00 on a
    month's first day, has always started by the time a period that closed can be asked
    for; it is the run that usually publishes it.)"""
    run = now.astimezone(datetime.UTC).replace(minute=HOURLY_MINUTE, second=0, microsecond=0)
    return run if run > now else run + datetime.timedelta(hours=1)


def _recent_years(today: datetime.date) -> set[int]:
    """The years of the latest closed month, quarter and year and of the periods before
    them: the job publishes them whatever the data."""
    return {
        p.start.year
        for kind in KINDS
        for p in (last_closed(kind, today), last_closed(kind, today).previous())
    }


def _state(filters: Filters, today: datetime.date) -> str:
    """A period not published yet: ``pending`` when the job's next run publishes it, else
    ``unavailable``. The job publishes the recent years and every year it has published
    before, so a year is pending when it is recent or has a published period (at most
    one query on the published periods); and a state only when a provider is listed in
    it (one query). No referral is read."""
    year = filters.period.start.year
    if (
        year not in _recent_years(today)
        and not IndicatorRollup.objects.filter(period_from__year=year).exists()
    ):
        return UNAVAILABLE
    if filters.area and not Location.objects.filter(state__iexact=filters.area.value).exists():
        return UNAVAILABLE
    return PENDING


def current_report(filters: Filters, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The published report for ``filters``: its period and the previous one as stored,
    and directory capacity as of today. Reads only: a period the job has not published
    yet answers ``state`` ``pending`` (with the job's next run) or ``unavailable`` and
    ``current: null``, never a figure computed for the request."""
    now = now or timezone.now()
    current, previous = publication.published_blocks(
        [filters.period, filters.period.previous()], filters.slice
    )
    state = PUBLISHED if current is not None else _state(filters, now.date())
    return {
        "period": selectors.period_json(filters.period),
        "previous_period": selectors.period_json(filters.period.previous()),
        "filters": selectors.filters_json(filters),
        "area_rule": selectors.AREA_RULE,
        "suppression": {"threshold": THRESHOLD, "marker": SUPPRESSED, "method": METHOD},
        "state": state,
        "next_publication_at": next_run(now).isoformat() if state == PENDING else None,
        "current": _with_later_blocks(current[0]) if current else None,
        "previous": _with_later_blocks(previous[0]) if previous else None,
        "capacity": selectors.capacity_report(filters),
        "source": "rollup" if current else None,
        "as_of": current[1].isoformat() if current else None,
    }


def _data_years(today: datetime.date) -> set[int]:
    """Every calendar year from the first counted referral or consent event to today."""
    firsts = [
        Referral.objects.aggregate(first=Min("sent_at"))["first"],
        ConsentEvent.objects.aggregate(first=Min("at"))["first"],
    ]
    earliest = min((f.year for f in firsts if f is not None), default=today.year)
    return set(range(max(earliest, EARLIEST_YEAR), today.year + 1))


def publish_years(today: datetime.date) -> set[int]:
    """The years whose closed periods the job publishes: every year with referrals or
    consent events up to today, the recent years (so a report's previous period is there
    too), and every year with a period published already (a state newly listed)."""
    published = {d.year for d in IndicatorRollup.objects.dates("period_from", "year")}
    return _data_years(today) | _recent_years(today) | published


def refresh_rollups(now: datetime.datetime | None = None) -> dict[str, int]:
    """The job (at each month's boundary, and hourly as a backstop). First the monthly
    tallies of the year now running (and of the year of the last closed month, in
    January) are recomputed, so they are younger than any period that has closed; then
    every closed, unpublished period of ``publish_years`` is published from the tallies,
    so any period a reader asks for is already stored. Idempotent and safe to run twice
    at once: what is published stays; a second run publishes nothing.
    Returns ``{"published", "years", "tallied"}``."""
    now = now or timezone.now()
    today = now.date()
    tallied = sorted({today.year, last_closed("month", today).start.year})
    for year in tallied:
        monthly.refresh_year(year, now)
    years = publish_years(today)
    published = sum(publication.publish_year(year, now) for year in sorted(years))
    return {"published": published, "years": len(years), "tallied": len(tallied)}
