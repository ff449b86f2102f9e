"""Pages fetched without sorting every match (``directory/paging.py``) are the same rows in
the same order as the defining query that sorts them all: for nearest-first (the GiST KNN
index on PostgreSQL), most-recently-endorsed and name order, on both databases, across
page boundaries, ties at the same distance and listings with several offices."""

from __future__ import annotations

import datetime
import random
import re

import pytest
from django.db import connection

from directory import geo, paging, selectors
from directory.models import Discipline, Location, Organization, Provider
from tests.directory.conftest import destination

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the GiST index is PostgreSQL's")

CENTER = (42.2808, -83.7430)  # Ann Arbor
DISCIPLINES = [Discipline.PEDIATRICIAN, Discipline.SPEECH_LANGUAGE_PATHOLOGIST, Discipline.SOCIAL_WORKER]


def scatter(total: int, seed: int = 7) -> None:
    """Listings around CENTER: random distances up to 60 miles, one in five sharing one
    of a few exact spots (ties), one in four with a second office, some verified."""
    rng = random.Random(seed)
    today = datetime.date.today()
    org = Organization.objects.create(name="Scattered Clinics")
    spots = [destination(*CENTER, rng.uniform(0, 360), rng.uniform(1, 30)) for _ in range(4)]
    providers = []
    for i in range(total):
        provider = Provider(
            name=f"Listing {rng.choice('ABCDE')}{i:04d}",
            discipline=rng.choice(DISCIPLINES),
            organization=org,
            languages=rng.choice(["|en|", "|en|es|", "|es|"]),
        )
        if rng.random() < 0.4:
            provider.verified_since = today - datetime.timedelta(days=rng.randint(0, 40))
            provider.verified_until = today + datetime.timedelta(days=rng.choice([-5, 200]))
        provider.search_text = provider.build_search_text(org.name)
        providers.append(provider)
    Provider.objects.bulk_create(providers)
    locations = []
    for provider in providers:
        offices = 2 if rng.random() < 0.25 else 1
        for _ in range(offices):
            if rng.random() < 0.2:
                lat, lng = rng.choice(spots)
            else:
                lat, lng = destination(*CENTER, rng.uniform(0, 360), rng.uniform(0, 60))
            locations.append(
                Location(
                    provider=provider,
                    address_1="1 Main St",
                    city="X",
                    state="MI",
                    zip="48104",
                    lat=lat,
                    lng=lng,
                )
            )
    Location.objects.bulk_create(locations)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE directory_provider")
            cursor.execute("ANALYZE directory_location")


def paged_ids(search: selectors.ProviderSearch, size: int) -> list[int]:
    results = paging.provider_search_results(search)
    ids: list[int] = []
    start = 0
    while True:
        page = results[start : start + size]
        ids.extend(p.pk for p in page)
        if len(page) < size:
            return ids
        start += size


def reference_ids(search: selectors.ProviderSearch) -> list[int]:
    return list(selectors.provider_search(search).values_list("pk", flat=True))


def near(radius: float, **filters: object) -> selectors.ProviderSearch:
    return selectors.ProviderSearch(near=CENTER, radius_miles=radius, **filters)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "search",
    [
        near(25),
        near(60),
        near(5),
        near(40, discipline=Discipline.SPEECH_LANGUAGE_PATHOLOGIST),
        near(40, language="es", discipline=Discipline.PEDIATRICIAN),
        near(40, ordering="name"),
    ],
    ids=["25mi", "60mi", "5mi", "discipline", "language+discipline", "near-by-name"],
)
@pytest.mark.parametrize("size", [7, 20])
def test_nearest_first_pages_equal_the_full_sort(search, size):
    scatter(400)
    expected = reference_ids(search)
    assert expected, "the scenario must find listings"

    assert paged_ids(search, size) == expected


def test_nearest_first_distances_are_exact_great_circle_miles():
    scatter(150)
    search = near(30)
    page = paging.provider_search_results(search)[0:25]
    assert page, "listings within 30 miles"
    for provider in page:
        exact = min(geo.haversine_miles(*CENTER, loc.lat, loc.lng) for loc in provider.locations.all())
        assert provider.distance_miles == pytest.approx(exact, abs=1e-6)
    assert [p.distance_miles for p in page] == sorted(p.distance_miles for p in page)


def test_a_deep_page_and_a_page_past_the_end():
    scatter(300)
    search = near(60)
    expected = reference_ids(search)
    results = paging.provider_search_results(search)
    assert [p.pk for p in results[100:130]] == expected[100:130]
    assert results[len(expected) : len(expected) + 20] == []


@pytest.mark.parametrize("size", [9, 20])
def test_most_recently_endorsed_pages_equal_the_full_sort(size):
    scatter(300)
    for search in (
        selectors.ProviderSearch(ordering="-endorsed_since"),
        selectors.ProviderSearch(ordering="-endorsed_since", discipline=Discipline.PEDIATRICIAN),
    ):
        expected = reference_ids(search)
        assert paged_ids(search, size) == expected


def test_name_order_pages_equal_the_full_sort():
    scatter(120)
    search = selectors.ProviderSearch(language="es")
    assert paged_ids(search, 11) == reference_ids(search)


@postgres_only
@pytest.mark.parametrize(
    ("filters", "indexes"),
    [
        # Either GiST index starts with the point, so either serves the point alone.
        ({}, ("directory_location_earth_point", "directory_location_place_discipline")),
        # With a discipline, the index over point and discipline serves the KNN order too.
        ({"discipline": Discipline.PEDIATRICIAN}, ("directory_location_place_discipline",)),
    ],
    ids=["alone", "discipline"],
)
def test_the_nearest_first_read_is_a_knn_scan_of_the_gist_index(
    filters, indexes, django_assert_max_num_queries
):
    scatter(400)
    with django_assert_max_num_queries(2) as captured:
        paging.knn_radius(near(40, **filters), 20)
    sql = captured.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a 400-row table is small enough to scan
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert any(f"Index Scan using {index} " in plan for index in indexes), plan
    assert "Order By: (" in plan and "<->" in plan, plan  # ordered by the index, not a sort


@postgres_only
def test_the_gist_index_is_built_from_cube_alone():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'directory_location_earth_point'")
        (definition,) = cursor.fetchone()
    assert "USING gist" in definition and "cube(ARRAY[" in definition
    assert "ll_to_earth" not in definition  # restores cleanly from pg_dump


@pytest.mark.parametrize("limit", [50, 10_000], ids=["estimated", "exact"])
def test_pages_after_counting_equal_the_full_sort(limit, settings):
    """What the API and the page do: count first (exact within the threshold, then pages
    are fetched by id; past it, the index-ordered reads), then slice."""
    settings.DIRECTORY_EXACT_COUNT_LIMIT = limit
    scatter(300)
    for search in (
        near(60),
        near(40, language="es"),
        near(40, ordering="name"),
        near(40, ordering="-endorsed_since"),
        selectors.ProviderSearch(ordering="-endorsed_since"),
    ):
        expected = reference_ids(search)
        results = paging.provider_search_results(search)
        count, is_estimate = results.counted()
        if connection.vendor == "postgresql":
            assert is_estimate == (len(expected) > limit)
        if not is_estimate:
            assert count == len(expected)
        got = [p.pk for start in range(0, len(expected), 20) for p in results[start : start + 20]]
        assert got == expected


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_busy_neighbourhood_is_counted_from_a_bounded_read(
    on_postgres, settings, django_assert_max_num_queries
):
    """Near a big city the radius holds thousands of listings: the count reads at most
    2 x (threshold + 1) location rows, streamed (no grouping, no sort of the whole
    neighbourhood), then says "estimate"; the pages are still the full sort's."""
    settings.DIRECTORY_EXACT_COUNT_LIMIT = 50
    scatter(400)
    search = near(60)
    results = paging.provider_search_results(search)

    with django_assert_max_num_queries(2) as captured:
        count, is_estimate = results.counted()

    assert is_estimate and count > 50
    read = captured.captured_queries[0]["sql"]
    assert "LIMIT 102" in read, read
    plan = explain(read)
    assert plan.startswith("Limit"), plan
    assert "Aggregate" not in plan and "Sort" not in plan, plan
    expected = reference_ids(search)
    assert [p.pk for start in range(0, 60, 20) for p in results[start : start + 20]] == expected[:60]


def test_listings_with_many_offices_are_counted_exactly(settings):
    """Rows are offices, not listings: when the bounded read is full of a few listings'
    offices, the count groups by listing instead, still exact under the threshold."""
    settings.DIRECTORY_EXACT_COUNT_LIMIT = 10
    org = Organization.objects.create(name="Many Offices")
    for n in range(8):
        provider = Provider.objects.create(
            name=f"Office Listing {n}", discipline=Discipline.PEDIATRICIAN, organization=org
        )
        for k in range(4):
            lat, lng = destination(*CENTER, 90 * k, 1 + n + k)
            Location.objects.create(
                provider=provider, address_1="1 Main St", city="X", state="MI", zip="48104", lat=lat, lng=lng
            )
    search = near(25)
    results = paging.provider_search_results(search)

    assert results.counted() == (8, False)
    assert [p.pk for p in results[0:20]] == reference_ids(search)


def test_a_near_search_with_a_discipline_reads_one_gist_index(on_postgres):
    """Near a big city, "pediatricians within 25 miles" is one scan of the GiST index over
    the location's point and its listing's discipline: the other disciplines' locations
    are never read, nor their listings probed."""
    scatter(400)
    search = near(40, discipline=Discipline.SPEECH_LANGUAGE_PATHOLOGIST)
    sql, params = paging._matching_the_other_filters(
        selectors.near_locations(search), search
    ).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a 400-row table is small enough to scan
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "directory_location_place_discipline" in plan, plan
    assert "provider_discipline" in plan.split("directory_location_place_discipline", 1)[1], plan


def test_a_listing_that_changes_discipline_is_found_under_the_new_one_near_by():
    """The location's copy of the discipline (PostgreSQL) follows the listing: a search
    near by with a discipline finds it as the full sort does, on both databases."""
    org = Organization.objects.create(name="Changing Clinic")
    provider = Provider.objects.create(
        name="Changing Listing", discipline=Discipline.PEDIATRICIAN, organization=org
    )
    Location.objects.create(
        provider=provider,
        address_1="1 Main St",
        city="X",
        state="MI",
        zip="48104",
        lat=CENTER[0],
        lng=CENTER[1],
    )
    as_speech = near(25, discipline=Discipline.SPEECH_LANGUAGE_PATHOLOGIST)
    assert [p.pk for p in paging.provider_search_results(as_speech)[0:20]] == []

    provider.discipline = Discipline.SPEECH_LANGUAGE_PATHOLOGIST
    provider.save()
    lat, lng = destination(*CENTER, 45, 3)
    Location.objects.create(
        provider=provider, address_1="2 Main St", city="X", state="MI", zip="48104", lat=lat, lng=lng
    )

    results = paging.provider_search_results(as_speech)
    assert results.counted() == (1, False)
    assert [p.pk for p in results[0:20]] == [provider.pk] == reference_ids(as_speech)
    as_pediatrician = near(25, discipline=Discipline.PEDIATRICIAN)
    assert [p.pk for p in paging.provider_search_results(as_pediatrician)[0:20]] == []


def test_a_nearest_first_page_past_the_threshold_is_read_by_id(
    on_postgres, settings, django_assert_max_num_queries
):
    """Past the threshold the page is the listings within the page's last distance, read
    by id: the defining query ("a site near by OR a home visit here") cannot use an index
    and would read every listing."""
    settings.DIRECTORY_EXACT_COUNT_LIMIT = 50
    scatter(400)
    search = near(60)
    results = paging.provider_search_results(search)
    assert results.counted()[1] is True

    with django_assert_max_num_queries(7) as captured:
        page = results[20:40]

    main = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "directory_provider"."id"')
    ]
    # The page's own WHERE is the id list alone (its columns hold the distance subqueries).
    assert main and re.search(r'WHERE "directory_provider"\."id" IN \(\d+(, \d+)*\) ORDER BY', main[-1]), main
    assert [p.pk for p in page] == reference_ids(search)[20:40]
