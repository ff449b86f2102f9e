"""Counting matches without reading them all: exact up to the threshold, then (on
PostgreSQL) the planner's estimate, marked as such in the API and on the page."""

from __future__ import annotations

import pytest
from django.db import connection

from directory.models import Discipline, Location, Organization, Provider

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates are PostgreSQL's")


def many_listings(total: int) -> None:
    """``total`` listings, a third of them speech-language pathologists."""
    org = Organization.objects.create(name="Statewide Network")
    rows = []
    for i in range(total):
        discipline = Discipline.SPEECH_LANGUAGE_PATHOLOGIST if i % 3 == 0 else Discipline.PEDIATRICIAN
        provider = Provider(
            name=f"Listing {i:05d}", discipline=discipline, organization=org, languages="|en|"
        )
        provider.search_text = provider.build_search_text(org.name)
        rows.append(provider)
    Provider.objects.bulk_create(rows, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE directory_provider")


def test_below_the_threshold_the_count_is_exact_on_both_databases(search, settings):
    settings.DIRECTORY_EXACT_COUNT_LIMIT = 1000
    many_listings(300)

    body = search(discipline="speech_language_pathologist").json()

    assert body["count"] == 100 and body["count_is_estimate"] is False


@postgres_only
def test_past_the_threshold_the_count_is_an_estimate_within_ten_percent(search, settings, client):
    settings.DIRECTORY_EXACT_COUNT_LIMIT = 500
    many_listings(3000)

    everything = search().json()
    assert everything["count_is_estimate"] is True
    assert abs(everything["count"] - 3000) <= 300, everything["count"]
    assert len(everything["results"]) == 20  # the page itself is real rows

    speech = search(discipline="speech_language_pathologist").json()
    assert speech["count_is_estimate"] is True
    assert abs(speech["count"] - 1000) <= 100, speech["count"]

    few = search(q="Listing 00042").json()
    assert few["count_is_estimate"] is False and [r["name"] for r in few["results"]] == ["Listing 00042"]

    page = client.get("/").content.decode()
    assert "About " in page and " providers found." in page


@postgres_only
def test_an_estimated_search_costs_one_more_query_and_never_reads_past_the_threshold(
    search, settings, django_assert_max_num_queries
):
    settings.DIRECTORY_EXACT_COUNT_LIMIT = 500
    many_listings(2000)
    with django_assert_max_num_queries(6) as captured:
        assert search().json()["count_is_estimate"] is True
    statements = [q["sql"] for q in captured.captured_queries]
    # The matches are read once, bounded (ids, one more than the threshold); no COUNT(*)
    # over every match, and the estimate is the planner's.
    assert any("LIMIT 501" in sql and '"directory_provider"."id"' in sql for sql in statements), statements
    assert not any("COUNT(" in sql.upper() for sql in statements), statements
    assert any(sql.startswith("EXPLAIN") for sql in statements), statements


def test_the_schema_documents_the_estimate_flag(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    envelope = schema["components"]["schemas"]["PaginatedProviderOutputList"]
    assert "count_is_estimate" in envelope["required"]
    assert envelope["properties"]["count_is_estimate"]["type"] == "boolean"


@postgres_only
def test_an_estimate_below_the_threshold_reads_more_than_the_threshold(search, settings, client):
    """The planner can guess low (a radius box's selectivity is a fixed guess): then all
    we know is "more than the threshold", and the page says exactly that."""
    settings.DIRECTORY_EXACT_COUNT_LIMIT = 500
    many_listings(800)
    Location.objects.bulk_create(
        Location(
            provider=p,
            address_1="1 Main St",
            city="Ann Arbor",
            state="MI",
            zip="48104",
            lat=42.28 + i * 1e-4,
            lng=-83.74,
        )
        for i, p in enumerate(Provider.objects.all())
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_location")

    body = search(near="48104").json()
    assert body["count_is_estimate"] is True and body["count"] == 501
    assert len(body["results"]) == 20

    page = client.get("/", {"near": "48104"}).content.decode()
    assert "More than 500 providers found within 25 miles of 48104." in page
    spanish = client.get("/", {"near": "48104", "lang": "es"}).content.decode()
    assert "Más de 500 proveedores encontrados a menos de 25 millas de 48104." in spanish


def test_an_estimate_is_shown_to_two_significant_figures():
    from directory.templatetags.directory_tags import rounded_estimate

    assert [rounded_estimate(n) for n in (42, 1001, 3074, 233_338, 999_801)] == [
        42,
        1000,
        3100,
        230_000,
        1_000_000,
    ]


def test_the_hsds_services_search_counts_like_the_directory(on_postgres, settings, api_client):
    """``/hsds/services?search=`` counts as the directory does: past the threshold the
    planner's estimate, flagged ``total_items_is_estimate``; the page is real rows in name
    order, the same as the directory API's."""
    settings.DIRECTORY_EXACT_COUNT_LIMIT = 500
    many_listings(3000)

    page = api_client.get("/hsds/services", {"search": "Statewide", "per_page": 25}).json()

    assert page["total_items_is_estimate"] is True
    assert abs(page["total_items"] - 3000) <= 300, page["total_items"]
    assert [item["name"] for item in page["contents"]] == [f"Listing {i:05d}" for i in range(25)]
    few = api_client.get("/hsds/services", {"search": "Listing 00042"}).json()
    assert few["total_items_is_estimate"] is False and few["total_items"] == 1
    assert [item["name"] for item in few["contents"]] == ["Listing 00042"]


def test_a_near_estimate_counts_the_neighbourhood_not_half_the_directory(on_postgres, search, settings):
    """Past the threshold a near search's estimate is the planner's for the locations
    within the radius: never "about half of every listing" (the planner's guess for
    "a site near by OR a home visit here")."""
    settings.DIRECTORY_EXACT_COUNT_LIMIT = 500
    many_listings(6000)
    Location.objects.bulk_create(
        Location(
            provider=p,
            address_1="1 Main St",
            city="Ann Arbor" if i < 800 else "Seattle",
            state="MI" if i < 800 else "WA",
            zip="48104" if i < 800 else "98101",
            lat=(42.28 + i * 1e-4) if i < 800 else 47.61,
            lng=-83.74 if i < 800 else -122.33,
        )
        for i, p in enumerate(Provider.objects.order_by("id"))
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_location")
        cursor.execute("ANALYZE directory_provider")

    body = search(near="48104").json()

    assert body["count_is_estimate"] is True
    assert 500 < body["count"] <= 1600, body["count"]  # 800 listings are near; 6,000 exist
