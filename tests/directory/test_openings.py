"""Openings filters mean what they say (issue 25, item 4): a listing whose capacity is
unknown (never said, or said more than 30 days ago) is not "accepting", whichever wording
or parameter a family or a program uses."""

from __future__ import annotations

import datetime

import pytest

from directory.models import directory_today
from tests.directory.conftest import names
from tests.factories.directory import LocationFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> datetime.date:
    return directory_today() - datetime.timedelta(days=days)


@pytest.fixture
def openings():
    made = {
        "Taking": {"capacity": "accepting", "capacity_as_of": days_ago(2)},
        "Said so long ago": {"capacity": "accepting", "capacity_as_of": days_ago(45)},
        "Never said": {"accepting_new_families": True},  # imported flag, no answer
        "Waitlist": {"capacity": "waitlist", "waitlist_weeks": 4, "capacity_as_of": days_ago(1)},
        "Full": {"capacity": "no_capacity", "capacity_as_of": days_ago(1)},
        "Never said no": {"accepting_new_families": False},
    }
    for name, fields in made.items():
        LocationFactory(provider=ProviderFactory(name=name, user=None, **fields), zip="48104")


def test_accepting_means_the_provider_said_so_recently(api_client, openings):
    taking = api_client.get("/api/v1/providers/", {"accepting": "true"})
    assert names(taking) == ["Taking"]
    assert names(taking) == names(api_client.get("/api/v1/providers/", {"capacity": "accepting"}))
    # "Not accepting" is what providers said, never a guess from an unknown.
    assert names(api_client.get("/api/v1/providers/", {"accepting": "false"})) == ["Full", "Waitlist"]


def test_results_show_unknown_capacity_as_unknown(api_client, openings):
    results = {r["name"]: r for r in api_client.get("/api/v1/providers/").json()["results"]}
    assert results["Taking"]["accepting_new_families"] is True
    assert results["Full"]["accepting_new_families"] is False
    for name in ("Never said", "Said so long ago"):
        assert results[name]["capacity"] == "unknown"
        assert results[name]["accepting_new_families"] is None


def test_the_search_page_has_one_openings_filter_in_one_wording(client, openings):
    page = client.get("/").content.decode()
    assert 'name="accepting"' not in page  # no second checkbox with a looser meaning
    assert page.count('name="capacity"') == 1
    assert "Accepting new families" not in page

    # An old link with accepting=true shows the same listings, chosen in the one control.
    old_link = client.get("/", {"accepting": "true"}).content.decode()
    assert "1 provider found" in old_link
    assert '<option value="accepting" selected>Taking new families</option>' in old_link
    unknown = client.get("/", {"capacity": "unknown"}).content.decode()
    assert "3 providers found" in unknown
    assert "Availability not confirmed recently" in unknown
