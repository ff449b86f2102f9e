"""Rollups of the network indicators, refreshed by a job (``indicators.tasks``).

Counting two periods of referrals takes time proportional to the referrals in them
(about 3 s for 100,000 on PostgreSQL); a network lead's dashboard should not. The job
computes the report for the standard views — the default period (the 365 days up to
today) for the whole network, for each discipline and for each state with a listing —
and stores what the API would publish. A read whose filters match a rollup younger than
``INDICATORS_ROLLUP_MAX_AGE_S`` answers from it in one query; any other filter is
computed on request. Every answer says which (``source``) and how old (``as_of``), and
the dashboard shows it.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.http import urlencode

from directory.models import Discipline, Location
from indicators import selectors
from indicators.models import IndicatorRollup
from indicators.params import Filters, parse_filters
from referral_hub.errors import ApplicationError

# A rollup refreshed less than this long ago is left alone by the job (so a second run,
# or a second beat, recomputes nothing).
REFRESH_AFTER = datetime.timedelta(minutes=50)
KEEP_FOR = datetime.timedelta(days=2)


def max_age() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.INDICATORS_ROLLUP_MAX_AGE_S)


def rollup_key(filters: Filters) -> str:
    return urlencode(sorted(filters.as_query().items()))


def standard_views(today: datetime.date) -> list[Filters]:
    """The default period for the network, each discipline and each listed state."""
    states = sorted(
        {
            s.upper()
            for s in Location.objects.order_by().values_list("state", flat=True).distinct()
            if len(s) == 2
        }
    )
    queries: list[dict[str, str]] = [{}]
    queries += [{"discipline": code} for code in Discipline.values]
    queries += [{"area": state} for state in states]
    views = []
    for query in queries:
        try:
            views.append(parse_filters(query, today=today))
        except ApplicationError:  # a listing whose state the offline ZIP data does not know
            continue
    return views


def _stamp(report: dict[str, Any], source: str, as_of: datetime.datetime) -> dict[str, Any]:
    return {**report, "source": source, "as_of": as_of.isoformat()}


def current_report(filters: Filters, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The published report: from a fresh rollup when one matches, else computed now."""
    now = now or timezone.now()
    rollup = (
        IndicatorRollup.objects.filter(key=rollup_key(filters), computed_at__gte=now - max_age())
        .only("report", "computed_at")
        .first()
    )
    if rollup is not None:
        return _stamp(rollup.report, "rollup", rollup.computed_at)
    return _stamp(selectors.network_indicators(filters=filters, now=now), "live", now)


def refresh_rollups(now: datetime.datetime | None = None) -> dict[str, int]:
    """Recompute every standard view whose rollup is missing or older than
    ``REFRESH_AFTER``; drop rollups older than ``KEEP_FOR``. Idempotent: run twice, the
    second run recomputes nothing. Returns ``{"refreshed", "fresh", "deleted"}``."""
    now = now or timezone.now()
    refreshed = fresh = 0
    for filters in standard_views(now.date()):
        key = rollup_key(filters)
        if IndicatorRollup.objects.filter(key=key, computed_at__gte=now - REFRESH_AFTER).exists():
            fresh += 1
            continue
        started = time.perf_counter()
        report = selectors.network_indicators(filters=filters, now=now)
        elapsed_ms = int((time.perf_counter() - started) * 1000)
        with transaction.atomic():
            IndicatorRollup.objects.update_or_create(
                key=key,
                defaults={
                    "period_from": filters.period.start,
                    "period_to": filters.period.end,
                    "report": report,
                    "computed_at": now,
                    "compute_ms": elapsed_ms,
                },
            )
        refreshed += 1
    deleted, _ = IndicatorRollup.objects.filter(computed_at__lt=now - KEEP_FOR).delete()
    return {"refreshed": refreshed, "fresh": fresh, "deleted": deleted}
