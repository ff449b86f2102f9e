"""Operators fill and seed the directory from the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from directory import geo
from directory.models import Discipline, Endorsement, Location, Organization, Provider

pytestmark = pytest.mark.django_db


def test_generate_directory_makes_realistic_varied_listings_at_real_zip_centroids():
    out = StringIO()
    call_command("generate_directory", providers=600, seed=7, no_progress=True, stdout=out)

    assert Provider.objects.count() == 600
    assert set(Provider.objects.values_list("discipline", flat=True)) == set(Discipline.values)
    statuses = {e.effective_status() for e in Endorsement.objects.all()}
    assert statuses == {"verified", "pending", "expired", "revoked"}
    for location in Location.objects.all()[:50]:
        lat, lng = geo.zip_centroid(location.zip)
        assert abs(location.lat - lat) < 0.05 and abs(location.lng - lng) < 0.05
    provider = Provider.objects.select_related("organization").first()
    assert provider.organization.name in provider.search_text
    assert Provider.objects.filter(languages__contains="|es|").exists()


def test_generate_directory_is_repeatable_with_a_seed():
    call_command("generate_directory", providers=30, seed=3, no_progress=True, stdout=StringIO())
    first = list(Provider.objects.order_by("id").values_list("name", "discipline", "languages"))
    with pytest.raises(CommandError, match="already here"):
        call_command("generate_directory", providers=30, seed=3, no_progress=True, stdout=StringIO())
    Provider.objects.all().delete()
    Organization.objects.all().delete()
    call_command("generate_directory", providers=30, seed=3, no_progress=True, stdout=StringIO())
    assert list(Provider.objects.order_by("id").values_list("name", "discipline", "languages")) == first


def test_demo_directory_is_useful_and_idempotent(demo, api_client):
    counts = (Provider.objects.count(), Location.objects.count(), Endorsement.objects.count())
    from directory import demo as directory_demo

    directory_demo.seed({"password": "x"}, StringIO())
    assert (Provider.objects.count(), Location.objects.count(), Endorsement.objects.count()) == counts
    assert counts[0] >= 36

    imh = demo["providers"]["imh_clinician"]
    body = api_client.get(f"/api/v1/providers/{imh.pk}/").json()
    assert body["endorsed"] and body["endorsements"][0]["category"] == "infant_mental_health_specialist"
    assert "es" in body["languages"]
    spanish_near = api_client.get("/api/v1/providers/", {"near": "48104", "language": "es"}).json()
    assert spanish_near["count"] >= 5
    educator = api_client.get(f"/api/v1/providers/{demo['providers']['educator'].pk}/").json()
    assert educator["endorsed"] is False  # pending
