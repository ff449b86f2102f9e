"""``endorsement=`` (issue 29): on PostgreSQL a walk of a per-category index in name order
(migration 0018), the listing's copy of its verified categories kept by a trigger; the
``EXISTS`` over what is shown as endorsed still decides every row. A lapse, a revocation
or an expiry drops the listing from the filter at once, on both databases."""

from __future__ import annotations

import datetime
import importlib
import random

import pytest
from django.db import connection

from directory import paging, selectors, services
from directory.models import Endorsement, EndorsementCategory, EndorsementStatus, Organization, Provider

pytestmark = pytest.mark.django_db

SPECIALIST = EndorsementCategory.INFANT_MENTAL_HEALTH_SPECIALIST
TODAY = datetime.date.today()


def listing(name: str, org: Organization) -> Provider:
    provider = Provider(name=name, discipline="psychologist", organization=org, languages="|en|")
    provider.save()
    return provider


def endorse(
    provider: Provider, *, category: str = SPECIALIST, status: str = "verified", days: int = 300
) -> Endorsement:
    return Endorsement.objects.create(
        provider=provider,
        category=category,
        issued_on=TODAY - datetime.timedelta(days=400),
        expires_on=TODAY + datetime.timedelta(days=days),
        status=status,
    )


def found(search, **params: str) -> list[str]:
    return [r["name"] for r in search(endorsement=SPECIALIST, **params).json()["results"]]


def test_a_lapse_a_revocation_and_an_expiry_drop_the_listing_at_once(search, django_user_model):
    org = Organization.objects.create(name="Clinic")
    ana, ben, cy, dee = (
        listing(n, org) for n in ("Ana Endorsed", "Ben Endorsed", "Cy Endorsed", "Dee Other")
    )
    lapsing, revoked = endorse(ana), endorse(ben)
    endorse(cy, days=-1)  # verified, but expired yesterday
    endorse(dee, category=EndorsementCategory.INFANT_FAMILY_ASSOCIATE)
    endorse(dee, status="pending")
    assert found(search) == ["Ana Endorsed", "Ben Endorsed"]

    services.endorsement_lapse(endorsement_id=lapsing.pk, note="renewal not done")
    assert found(search) == ["Ben Endorsed"]

    curator = django_user_model.objects.create_user(username="curator", password="x")
    services.endorsement_set_status(
        actor=curator, endorsement_id=revoked.pk, status=EndorsementStatus.REVOKED, check_policy=False
    )
    assert found(search) == []

    # Reinstated by the endorsement process: back at once.
    services.endorsement_grant(
        actor=None,
        provider=ana,
        category=SPECIALIST,
        credential_number="1",
        issuing_association="MI-AIMH",
        issued_on=lapsing.issued_on,
        expires_on=TODAY + datetime.timedelta(days=30),
        endorsement_id=lapsing.pk,
    )
    assert found(search) == ["Ana Endorsed"]
    # Deleted (the admin): gone.
    services.endorsements_delete(endorsements=[Endorsement.objects.get(pk=lapsing.pk)])
    assert found(search) == []


@pytest.mark.parametrize("limit", [5, 10_000], ids=["estimated", "exact"])
def test_endorsement_pages_equal_the_full_sort(limit, settings):
    settings.DIRECTORY_EXACT_COUNT_LIMIT = limit
    rng = random.Random(5)
    org = Organization.objects.create(name="Clinic")
    for i in range(150):
        provider = listing(f"{rng.choice('ABCDEFG')} Listing {i:03d}", org)
        roll = rng.random()
        if roll < 0.4:
            endorse(
                provider, days=rng.choice([-3, 100]), status=rng.choice(["verified", "verified", "revoked"])
            )
        elif roll < 0.6:
            endorse(provider, category=EndorsementCategory.INFANT_FAMILY_ASSOCIATE)
    for search in (
        selectors.ProviderSearch(endorsement=SPECIALIST),
        selectors.ProviderSearch(endorsement=SPECIALIST, language="en"),
        selectors.ProviderSearch(endorsement=SPECIALIST, ordering="-endorsed_since"),
        selectors.parse_provider_search({"endorsement": SPECIALIST, "q": "Listing"}),
    ):
        expected = list(selectors.provider_search(search).values_list("pk", flat=True))
        assert len(expected) > 15
        results = paging.provider_search_results(search)
        results.counted()
        got = [p.pk for start in range(0, len(expected) + 7, 7) for p in results[start : start + 7]]
        assert got == expected


def test_every_category_has_its_index():
    migration = importlib.import_module("directory.migrations.0018_provider_endorsed_categories")
    assert migration.CATEGORIES == EndorsementCategory.values


def test_the_copy_follows_every_write_and_a_page_walks_the_category_index(on_postgres):
    org = Organization.objects.create(name="Clinic")
    providers = Provider.objects.bulk_create(
        Provider(name=f"Listing {i:04d}", discipline="psychologist", organization=org) for i in range(3000)
    )
    Endorsement.objects.bulk_create(  # a bulk insert fires the trigger too
        Endorsement(
            provider=provider,
            category=SPECIALIST,
            issued_on=TODAY,
            expires_on=TODAY + datetime.timedelta(days=9),
            status="verified",
        )
        for provider in providers[3::10]
    )
    moved = endorse(providers[1], category=EndorsementCategory.INFANT_FAMILY_ASSOCIATE)
    Endorsement.objects.filter(pk=moved.pk).update(category=SPECIALIST)  # a raw UPDATE too
    Endorsement.objects.filter(pk=moved.pk).update(provider=providers[2])  # and a move
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, endorsed_categories FROM directory_provider WHERE id = ANY(%s)",
            [[providers[1].pk, providers[2].pk]],
        )
        copies = dict(cursor.fetchall())
        assert copies == {providers[1].pk: "", providers[2].pk: f"|{SPECIALIST}|"}
        cursor.execute("ANALYZE directory_provider")
        cursor.execute("ANALYZE directory_endorsement")
        sql, params = (
            selectors.provider_search(selectors.ProviderSearch(endorsement=SPECIALIST))
            .values("pk")[:20]
            .query.sql_with_params()
        )
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Scan using provider_endorsed_{SPECIALIST} " in plan, plan
    assert "Sort" not in plan, plan


def test_the_estimate_of_an_endorsement_search_is_the_plain_exists_one(on_postgres, settings):
    """Past the threshold the count shown is the planner's estimate: for ``endorsement=``
    it comes from the plain ``EXISTS`` (whose selectivity the planner knows from the
    endorsements' statistics), not from the per-row check it reads the page with (which
    it guesses at half, "about 22,000" for 34,410 at a million listings)."""
    settings.DIRECTORY_EXACT_COUNT_LIMIT = 50
    org = Organization.objects.create(name="Clinic")
    providers = Provider.objects.bulk_create(
        Provider(name=f"Listing {i:04d}", discipline="psychologist", organization=org) for i in range(3000)
    )
    Endorsement.objects.bulk_create(
        Endorsement(
            provider=provider,
            category=SPECIALIST,
            issued_on=TODAY,
            expires_on=TODAY + datetime.timedelta(days=9 if i % 5 else -9),  # one in five expired
            status="verified",
        )
        for i, provider in enumerate(providers[::5])
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_provider")
        cursor.execute("ANALYZE directory_endorsement")
    count, is_estimate = paging.provider_search_results(
        selectors.ProviderSearch(endorsement=SPECIALIST)
    ).counted()
    assert is_estimate is True
    assert abs(count - 480) <= 48, count
