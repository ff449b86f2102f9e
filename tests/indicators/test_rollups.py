"""Rollups: the hourly job computes the standard views; a read of such a view answers
from the rollup (one query, the same figures), says how old it is, and anything else is
computed on request."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators import rollups
from indicators.models import IndicatorRollup
from people.roles import NETWORK_LEAD_GROUP
from tests.factories.base import UserFactory
from tests.indicators.conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_client(network, client):  # type: ignore[no-untyped-def]
    lead = UserFactory(username="lead")
    lead.groups.add(Group.objects.get_or_create(name=NETWORK_LEAD_GROUP)[0])
    client.force_login(lead)
    return client


def _without_stamp(report: dict) -> dict:  # type: ignore[type-arg]
    return {k: v for k, v in report.items() if k not in ("source", "as_of")}


def test_the_job_computes_the_standard_views_and_a_second_run_recomputes_nothing(network):
    with time_machine.travel(NOW, tick=False):
        first = rollups.refresh_rollups()
        second = rollups.refresh_rollups()
    # The network, each of the 9 disciplines, and the two listed states (MI, OH).
    assert first == {"refreshed": 12, "fresh": 0, "deleted": 0}
    assert second == {"refreshed": 0, "fresh": 12, "deleted": 0}
    keys = set(IndicatorRollup.objects.values_list("key", flat=True))
    assert "from=2025-07-16&to=2026-07-15" in keys
    assert "area=MI&from=2025-07-16&to=2026-07-15" in keys
    # An hour later the job refreshes them; two days later stale ones are gone.
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        assert rollups.refresh_rollups()["refreshed"] == 12
    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
        assert rollups.refresh_rollups() == {"refreshed": 12, "fresh": 0, "deleted": 12}


def test_a_standard_view_is_read_from_its_rollup_with_the_same_figures(lead_client):
    with time_machine.travel(NOW, tick=False):
        live = lead_client.get("/api/v1/indicators/").json()
        rollups.refresh_rollups()
    with time_machine.travel(NOW + datetime.timedelta(minutes=30), tick=False):
        with CaptureQueriesContext(connection) as ctx:
            served = lead_client.get("/api/v1/indicators/").json()
    assert live["source"] == "live"
    assert served["source"] == "rollup"
    assert served["as_of"] == NOW.isoformat()
    assert _without_stamp(served) == _without_stamp(live)
    rollup_reads = [q for q in ctx.captured_queries if "indicators_indicatorrollup" in q["sql"]]
    referral_reads = [q for q in ctx.captured_queries if "referrals_referral" in q["sql"]]
    assert len(rollup_reads) == 1 and referral_reads == []


def test_a_stale_rollup_or_another_filter_is_computed_on_request(lead_client, network):
    with time_machine.travel(NOW, tick=False):
        rollups.refresh_rollups()
    # Another period: no rollup.
    with time_machine.travel(NOW, tick=False):
        other = lead_client.get("/api/v1/indicators/", {"from": "2026-01-01", "to": "2026-06-30"}).json()
    assert other["source"] == "live"
    # Past the maximum age (2 h by default) the rollup is not served.
    with time_machine.travel(NOW + datetime.timedelta(hours=3), tick=False):
        assert lead_client.get("/api/v1/indicators/").json()["source"] == "live"


def test_new_referrals_show_after_the_next_refresh(lead_client, network):
    from tests.indicators.conftest import at, referral

    with time_machine.travel(NOW, tick=False):
        rollups.refresh_rollups()
        before = lead_client.get("/api/v1/indicators/").json()["current"]["referral_sources"]["count"]
        for child in network.children[:11]:
            referral(child, network.providers["edu"], network.providers["imh"], at(2026, 7, 1))
        unchanged = lead_client.get("/api/v1/indicators/").json()["current"]["referral_sources"]["count"]
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        rollups.refresh_rollups()
        after = lead_client.get("/api/v1/indicators/").json()["current"]["referral_sources"]["count"]
    assert unchanged == before
    assert after == before + 11


def test_the_dashboard_says_how_old_its_figures_are(lead_client):
    with time_machine.travel(NOW, tick=False):
        rollups.refresh_rollups()
    with time_machine.travel(NOW + datetime.timedelta(minutes=40), tick=False):
        html = lead_client.get("/indicators/").content.decode()
    assert "Figures as of 15 Jul 2026" in html and "40\xa0minutes ago" in html
    with time_machine.travel(NOW, tick=False):
        html = lead_client.get("/indicators/", {"from": "2026-01-01", "to": "2026-06-30"}).content.decode()
    assert "Figures computed for this request" in html
