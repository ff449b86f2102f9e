"""Publication: the hourly job publishes the periods that have just closed; a published
period is read back as stored (the same figures, one row), says when it was computed,
and never changes afterwards (so two answers for one period cannot be differenced)."""

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
from tests.indicators.conftest import NOW, at, referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_client(network, client):  # type: ignore[no-untyped-def]
    lead = UserFactory(username="lead")
    lead.groups.add(Group.objects.get_or_create(name=NETWORK_LEAD_GROUP)[0])
    client.lead = lead
    return client


def _without_stamp(report: dict) -> dict:  # type: ignore[type-arg]
    return {k: v for k, v in report.items() if k not in ("source", "as_of")}


def test_the_job_publishes_what_has_closed_and_a_second_run_publishes_nothing(network):
    with time_machine.travel(NOW, tick=False):
        first = rollups.refresh_rollups()
        second = rollups.refresh_rollups()
    assert first["published"] > 0 and second == {"published": 0, "years": first["years"], "tallied": 1}
    keys = set(IndicatorRollup.objects.values_list("key", flat=True))
    # On 15 July 2026: the last closed quarter (Q2) and month (June) with the periods
    # before them, and 2025 (the last closed year) with all its periods.
    assert {"quarter:2026-04-01:all", "month:2026-06-01:all", "year:2025-01-01:all"} <= keys
    assert "quarter:2026-04-01:discipline:pediatrician" in keys
    assert "quarter:2026-07-01:all" not in keys  # not ended yet


def test_a_published_period_is_read_back_with_the_same_figures(lead_client):
    with time_machine.travel(NOW, tick=False):
        rollups.refresh_rollups()
        lead_client.force_login(lead_client.lead)
        live = lead_client.get("/api/v1/indicators/").json()
    with time_machine.travel(NOW + datetime.timedelta(days=40), tick=False):
        lead_client.force_login(lead_client.lead)
        with CaptureQueriesContext(connection) as ctx:
            served = lead_client.get(
                "/api/v1/indicators/", {"period": "quarter", "start": "2026-04-01"}
            ).json()
    assert live["source"] == "rollup" and served["source"] == "rollup"
    assert served["as_of"] == NOW.isoformat()
    assert _without_stamp(served)["current"] == _without_stamp(live)["current"]
    rollup_reads = [q for q in ctx.captured_queries if "indicators_indicatorrollup" in q["sql"]]
    referral_reads = [q for q in ctx.captured_queries if "referrals_referral" in q["sql"]]
    assert len(rollup_reads) == 1 and referral_reads == []  # the period and the one before, at once


def test_a_referral_changed_after_publication_changes_no_published_figure(lead_client, network):
    """What made rollup-versus-live differencing possible: the figures moved between two
    answers. A published period's figures never move."""
    with time_machine.travel(NOW, tick=False):
        rollups.refresh_rollups()
        lead_client.force_login(lead_client.lead)
        before = lead_client.get("/api/v1/indicators/", {"period": "quarter", "start": "2026-01-01"}).json()
        for child in network.children[:3]:
            referral(child, network.providers["edu"], network.providers["imh"], at(2026, 3, 30))
        after = lead_client.get("/api/v1/indicators/", {"period": "quarter", "start": "2026-01-01"}).json()
        march = lead_client.get("/api/v1/indicators/", {"period": "month", "start": "2026-03-01"}).json()
    assert after["current"] == before["current"]
    assert march["current"]["referral_sources"]["count"] == before["current"]["referral_sources"]["count"]


def test_the_dashboard_says_how_old_its_figures_are(lead_client):
    with time_machine.travel(NOW, tick=False):
        rollups.refresh_rollups()
    with time_machine.travel(NOW + datetime.timedelta(minutes=40), tick=False):
        lead_client.force_login(lead_client.lead)
        html = lead_client.get("/indicators/").content.decode()
    assert "Figures as of 15 Jul 2026" in html and "40\xa0minutes ago" in html
    assert "they do not change" in html
    with time_machine.travel(NOW, tick=False):
        lead_client.force_login(lead_client.lead)
        html = lead_client.get("/indicators/", {"period": "year", "start": "2023-01-01"}).content.decode()
    # Never published by a read: a year without data is not published at all.
    assert "No figures are published for this period and population" in html
    assert "Figures as of" not in html


def _counts(node: object, path: str = "") -> dict[str, object]:
    """Every count of a published block by its path (labels included)."""
    out: dict[str, object] = {}
    if isinstance(node, dict):
        labels = ",".join(
            f"{k}={v}"
            for k, v in node.items()
            if k in ("age_band", "concern_type", "discipline", "instrument", "band", "month", "reason")
        )
        for key, value in node.items():
            if isinstance(value, dict | list):
                out.update(_counts(value, f"{path}/{labels}/{key}"))
            elif key == "count" or key.endswith("_count"):
                out[f"{path}/{labels}/{key}"] = value
    elif isinstance(node, list):
        for item in node:
            out.update(_counts(item, path))
    return out


def test_a_year_published_after_its_quarters_does_not_show_what_changed_since(lead_client, network):
    """Q1 2026 is published in July; a March referral is cancelled in the autumn; the
    year, published in January, must not let "the year minus its quarters" count it."""
    with time_machine.travel(NOW, tick=False):
        rollups.refresh_rollups()
        lead_client.force_login(lead_client.lead)
        assert lead_client.get("/api/v1/indicators/", {"period": "quarter", "start": "2026-01-01"}).json()[
            "current"
        ]
    network.referrals[0].status = "cancelled"
    network.referrals[0].save(update_fields=["status"])
    with time_machine.travel(datetime.datetime(2027, 1, 15, 12, tzinfo=datetime.UTC), tick=False):
        rollups.refresh_rollups()  # the year 2026 closed: the job publishes it
        lead_client.force_login(lead_client.lead)
        year = lead_client.get("/api/v1/indicators/", {"period": "year", "start": "2026-01-01"}).json()
        quarters = [
            lead_client.get("/api/v1/indicators/", {"period": "quarter", "start": f"2026-{m:02d}-01"}).json()
            for m in (1, 4, 7, 10)
        ]
    year_counts = _counts(year["current"])
    quarter_counts = [_counts(q["current"]) for q in quarters]
    compared = 0
    for path, value in year_counts.items():
        parts = [q.get(path) for q in quarter_counts]
        if isinstance(value, int) and all(isinstance(p, int) for p in parts):
            assert value == sum(parts), path  # type: ignore[arg-type]
            compared += 1
    assert compared > 50  # the zeros and the unchanged counts still add up
    assert quarters[0]["current"]["referral_sources"]["count"] == 14  # as published in July
    assert year["current"]["referral_sources"]["count"] == "<11"  # 13 today: withheld
