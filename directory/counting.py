"""How many listings match a search, without reading every match.

Up to ``DIRECTORY_EXACT_COUNT_LIMIT`` (default 1,000) matches the count is exact: a
``COUNT(*)`` over the search limited to one row more than the threshold, so it never
reads past that. Beyond it, PostgreSQL answers with the planner's row estimate for the
same query (``EXPLAIN (FORMAT JSON)``: statistics kept by ANALYZE/autovacuum, no table
read) and the answer is marked ``count_is_estimate``; the page says "about 12,000". SQLite
(the small, embedded install) always counts exactly."""

from __future__ import annotations

import json
from typing import Any, cast

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.utils.functional import cached_property

DEFAULT_EXACT_COUNT_LIMIT = 1_000


def exact_count_limit() -> int:
    return int(getattr(settings, "DIRECTORY_EXACT_COUNT_LIMIT", DEFAULT_EXACT_COUNT_LIMIT))


def _planner_rows(qs: QuerySet[Any]) -> int:
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)  # our compiled SQL; values bound
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def search_count(qs: QuerySet[Any]) -> tuple[int, bool]:
    """(count, is_estimate) for a search queryset."""
    if connection.vendor != "postgresql":
        return qs.count(), False
    limit = exact_count_limit()
    bounded = qs.order_by()[: limit + 1].count()
    if bounded <= limit:
        return bounded, False
    # Never below what was just seen: more than ``limit`` rows exist.
    return estimate(qs)


def search_ids(
    qs: QuerySet[Any], *, estimate_from: QuerySet[Any] | None = None
) -> tuple[list[int] | None, int, bool]:
    """PostgreSQL: (the matching ids, count, False) when at most the threshold match, read
    in one bounded query so a page can then be fetched by id without finding the matches
    again; (None, estimate, True) past it. ``estimate_from``: the same matches written
    for the planner's estimate, when ``qs`` is written for reading (``paging``)."""
    limit = exact_count_limit()
    ids = list(qs.order_by().values_list("pk", flat=True)[: limit + 1])
    if len(ids) <= limit:
        return ids, len(ids), False
    return None, *estimate(qs if estimate_from is None else estimate_from)


def estimate(qs: QuerySet[Any]) -> tuple[int, bool]:
    """(the planner's estimate, True), never below what the threshold implies."""
    return max(_planner_rows(qs), exact_count_limit() + 1), True


class SearchPaginator(Paginator[Any]):
    """A paginator whose ``count`` may be an estimate (``count_is_estimate``). A page
    number inside the estimated range that turns out to be past the real end is empty,
    not an error."""

    count_is_estimate = False

    @property
    def exact_limit(self) -> int:
        return exact_count_limit()

    @property
    def count_is_lower_bound(self) -> bool:
        """An estimate no higher than the threshold says only "more than the threshold"
        (the planner guessed low); the page says so instead of "about 1,001"."""
        return self.count_is_estimate and self.count <= self.exact_limit + 1

    @cached_property
    def count(self) -> int:
        counted = getattr(self.object_list, "counted", None)
        if counted is not None:  # a ``paging.SearchResults``: counts its filters alone, once
            value, self.count_is_estimate = counted()
            return cast(int, value)
        value, self.count_is_estimate = search_count(self.object_list)  # type: ignore[arg-type]
        return value
