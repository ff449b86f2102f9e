from __future__ import annotations

import math
import os

import pytest

from directory.geo import EARTH_RADIUS_MILES


def destination(lat: float, lng: float, bearing_deg: float, miles: float) -> tuple[float, float]:
    """The point ``miles`` away from (lat, lng) along a great circle at ``bearing_deg``."""
    d = miles / EARTH_RADIUS_MILES
    b = math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lng)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


@pytest.fixture
def search(api_client):
    """``search(**params) -> response`` against the public API, anonymously."""

    def run(**params):
        return api_client.get("/api/v1/providers/", params)

    return run


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["name"] for r in response.json()["results"]]


@pytest.fixture
def on_postgres(request, postgres_url):
    """For the tests of PostgreSQL's plans: they run in the services pass (``DATABASE_URL``
    set). Unreachable PostgreSQL fails under ``CI`` (``postgres_url``), and so does a
    services pass that is not on PostgreSQL; a local SQLite run skips them."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    if os.environ.get("CI") and request.config.getoption("--services-pass"):
        pytest.fail("the services pass must run on PostgreSQL (CI is set): set DATABASE_URL")
    pytest.skip("PostgreSQL's plans: run with DATABASE_URL set (the services pass)")
