"""One page of a directory search without ordering every match (PostgreSQL).

``selectors.provider_search`` defines what a search finds and in which order; on SQLite
(the embedded default, a small directory) its queryset is simply sliced. On PostgreSQL a
page is fetched so the cost follows the page, not the number of matches:

- **distance** (``near`` given): a KNN scan of the GiST index on locations (nearest
  first, ``geo.nearest_first``) finds the distance D of the last listing the page needs;
  the page is then the defining query with the radius shrunk to D, which sorts only the
  listings within D (the page, the ones before it, and ties at D). Same rows, same order,
  exact miles: the index only chooses D.
- **-endorsed_since**: listings whose verified endorsement is current come first, newest
  first, from the index ``provider_endorsed_order``; the rest follow in name order from
  ``provider_name_id``. Two index-ordered reads stop at the page's end.
- **name** (the default, text search included): ``ORDER BY name, id LIMIT`` over the
  index ``provider_name_id``; PostgreSQL walks it and stops after a page of matches, or,
  for a rare word, reads its few matches from the text index and sorts them.

Counts come from ``SearchResults.counted`` over the filters alone: up to the threshold
they keep the matching ids (and, with ``near``, each one's distance), so a page is then
fetched by id instead of finding the matches twice."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator
from typing import overload

from django.db import connection
from django.db.models import FloatField, Min, Q, QuerySet, Value
from django.utils import timezone

from directory import counting, geo, selectors
from directory.models import Location, Provider

# How many nearest locations to read first per listing the page needs; four times more
# each round until enough distinct listings are seen (a listing may have several offices).
KNN_READ_AHEAD = 2
KNN_MIN_READ = 40


class SearchResults:
    """A sliceable, countable search result for ``Paginator``: ``matches`` (filters only)
    is what is counted, ``in_order`` (``provider_search``) defines the order (not ``ordered``: Paginator reads that name)."""

    def __init__(self, search: selectors.ProviderSearch, *, today: datetime.date | None = None) -> None:
        self.search = search
        self.today = today or timezone.now().date()
        self.matches = selectors.provider_matches(search, today=self.today)
        self.in_order = selectors.provider_search(search, today=self.today)
        self._counted: tuple[int, bool] | None = None
        self._ids: list[int] | None = None
        self._near: dict[int, float] | None = None

    def count(self) -> int:
        return self.counted()[0]

    def counted(self) -> tuple[int, bool]:
        """(count, is_estimate) of the matches, computed once. On PostgreSQL a count
        within the threshold also keeps the matching ids: pages are then fetched by id."""
        if self._counted is not None:
            return self._counted
        if connection.vendor == "postgresql" and self.search.near:
            self._near = _nearest_matches(self.search)
            self._ids = None if self._near is None else list(self._near)
            counted = (len(self._near), False) if self._near is not None else _near_estimate(self.search)
        elif connection.vendor == "postgresql":
            # The estimate from the plain ``EXISTS`` for ``endorsement=``: the planner
            # knows its selectivity, not that of the per-row check (``selectors``).
            estimate_from = (
                selectors.provider_matches(self.search, today=self.today, for_estimate=True)
                if self.search.endorsement
                else None
            )
            self._ids, count, is_estimate = counting.search_ids(self.matches, estimate_from=estimate_from)
            counted = (count, is_estimate)
        else:
            counted = counting.search_count(self.matches)
        self._counted = counted
        return counted

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Provider]:
        return iter(self.in_order)

    @overload
    def __getitem__(self, index: int) -> Provider: ...

    @overload
    def __getitem__(self, index: slice) -> list[Provider]: ...

    def __getitem__(self, index: int | slice) -> Provider | list[Provider]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        if stop is None or index.step not in (None, 1) or start < 0:
            raise ValueError("SearchResults takes [start:stop] slices only.")
        if stop <= start:
            return []
        return self._page(start, stop)

    def _page(self, start: int, stop: int) -> list[Provider]:
        if connection.vendor != "postgresql":
            return list(self.in_order[start:stop])
        ordering = self.search.effective_ordering
        if self._ids is not None:
            # Counted exactly (at most the threshold): sort those by id, cheaply, instead
            # of finding the matches a second time (a dense neighbourhood, a rare word).
            ids = self._ids
            if self._near and ordering == "distance":
                # Distances known too: only those no farther than the page's last one.
                farthest = sorted(self._near.values())[min(stop, len(ids)) - 1]
                ids = [pk for pk, miles in self._near.items() if miles <= farthest]
            by_id = Provider.objects.filter(pk__in=ids)
            return list(selectors.order_search(by_id, self.search, today=self.today)[start:stop])
        if ordering == "distance":
            return _distance_page(self.search, start, stop, self.today)
        if ordering == "-endorsed_since":
            return _endorsed_page(self.search, start, stop, self.today)
        return list(self.in_order[start:stop])


def provider_search_results(
    search: selectors.ProviderSearch, *, today: datetime.date | None = None
) -> SearchResults:
    return SearchResults(search, today=today)


def _matching_the_other_filters(
    locations: QuerySet[Location], search: selectors.ProviderSearch
) -> QuerySet[Location]:
    """``locations`` of listings that match every filter but ``near`` (joined only when
    there is one: an unfiltered directory needs no semi-join)."""
    others = selectors.provider_matches(dataclasses.replace(search, near=None))
    # Only sites families visit: a home-visiting-only listing's base is not where it sees
    # families (it matches by its service area instead, ``_nearest_matches``).
    if others.query.has_filters():
        return locations.filter(provider__in=others.filter(at_site=True).values("pk"))
    return locations.filter(provider__at_site=True)


def knn_radius(search: selectors.ProviderSearch, listings: int) -> float:
    """The distance in miles of the ``listings``-th nearest matching listing, or the
    search radius if fewer match within it. Reads locations nearest-first from the GiST
    index, joined to the other filters, and stops as soon as enough listings are seen."""
    assert search.near is not None
    lat, lng = search.near
    located = Location.objects.filter(
        geo.within_cube(lat, lng, search.radius_miles), lat__isnull=False, lng__isnull=False
    )
    if search.discipline:  # the GiST index over point and discipline serves both
        located = located.filter(selectors.location_discipline(search.discipline))
    stream = _matching_the_other_filters(located, search)
    stream = stream.annotate(d=geo.distance_expression(lat, lng)).order_by(geo.nearest_first(lat, lng).asc())
    read = max(KNN_MIN_READ, listings * KNN_READ_AHEAD)
    while True:
        rows = list(stream.values_list("provider_id", "d")[:read])
        if len(rows) < read:  # every location within the radius was read
            return search.radius_miles
        nearest: dict[int, float] = {}
        for provider_id, miles in rows:
            nearest[provider_id] = min(miles, nearest.get(provider_id, miles))
            if len(nearest) > listings:
                # The first ``listings`` listings in index order; the largest of their
                # exact distances (rounding may swap near-equal neighbours).
                del nearest[provider_id]
                return min(max(nearest.values()), search.radius_miles)
        read *= 4


def _nearest_matches(search: selectors.ProviderSearch) -> dict[int, float] | None:
    """PostgreSQL, ``near`` given: {listing id: miles to its nearest location} for every
    match within the radius, or None past the exact-count threshold. One bounded read of
    the neighbourhood (GiST box, exact miles, other filters joined) and the listings that
    visit families at home, streamed without grouping: it stops after ``2 x (threshold + 1)``
    rows, so a busy neighbourhood (a big city: ~20,000 locations at a million listings)
    is not read to the end just to learn that it holds more than the threshold."""
    assert search.near is not None
    limit = counting.exact_count_limit()
    locations = _matching_the_other_filters(selectors.near_locations(search), search)
    at_sites = locations.order_by().values_list("provider_id", "d")  # type: ignore[misc]  # ``d`` is annotated by near_locations
    # Listings that visit the family at home count as 0 miles away (the search's order).
    at_home = (
        selectors.provider_matches(dataclasses.replace(search, near=None))
        .filter(selectors.home_visit_condition(search))
        .annotate(miles=Value(0.0, output_field=FloatField()))
        .values_list("pk", "miles")
        .order_by()
    )
    read = 2 * (limit + 1)  # a listing may have several offices: rows, not listings
    rows = list(at_sites.union(at_home, all=True)[:read])
    nearest = _nearest_of(rows)
    if len(rows) == read and len(nearest) <= limit:
        # Cut short among listings with many offices each (rare): group by listing.
        grouped = locations.values("provider_id").annotate(miles=Min("d")).values_list("provider_id", "miles")
        rows = list(grouped.order_by().union(at_home, all=True)[: limit + 1])
        nearest = _nearest_of(rows)
        if len(rows) > limit:
            return None
    return nearest if len(nearest) <= limit else None


def _near_estimate(search: selectors.ProviderSearch) -> tuple[int, bool]:
    """The planner's estimate of the matching locations within the radius. Not of the
    listings query: its "a site near by OR a home visit here" is beyond the planner, which
    guessed half of all listings (~500,000 for a radius holding ~20,000 at 1M)."""
    return counting.estimate(_matching_the_other_filters(selectors.near_locations(search), search))


def _nearest_of(rows: list[tuple[int, float]]) -> dict[int, float]:
    nearest: dict[int, float] = {}
    for provider_id, miles in rows:
        nearest[provider_id] = min(miles, nearest.get(provider_id, miles))
    return nearest


def _distance_page(
    search: selectors.ProviderSearch, start: int, stop: int, today: datetime.date
) -> list[Provider]:
    radius = knn_radius(search, stop)
    shrunk = dataclasses.replace(search, radius_miles=radius)
    # The few listings within D, by id (one bounded read, as the count's): the defining
    # query's "a site near by OR a home visit here" over every listing cannot use an index.
    nearest = _nearest_matches(shrunk)
    matches = (
        selectors.provider_matches(shrunk, today=today)
        if nearest is None
        else Provider.objects.filter(pk__in=list(nearest))
    )
    return list(selectors.order_search(matches, shrunk, today=today)[start:stop])


def _endorsed_page(
    search: selectors.ProviderSearch, start: int, stop: int, today: datetime.date
) -> list[Provider]:
    current = Q(verified_until__gte=today, verified_since__isnull=False)
    ordered = selectors.provider_search(search, today=today)
    first = ordered.filter(current).order_by("-verified_since", "name", "id")
    page = list(first[start:stop])
    if len(page) == stop - start:
        return page
    # The endorsed part ended inside (or before) this page: the rest follows by name.
    before = start + len(page) if page else first[:start].count()
    rest_start = max(0, start - before)
    rest = ordered.exclude(current).order_by("name", "id")
    return page + list(rest[rest_start : rest_start + (stop - start - len(page))])
