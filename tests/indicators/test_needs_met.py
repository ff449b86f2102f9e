"""Needs met and barriers in the indicators (issue 27): counted over the period's
completed referrals, the providers' and the families' answers apart, every count
suppressed with the same small-cell rules, and shown on the lead's page (EN/ES)."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Group

from indicators import rollups
from indicators.models import IndicatorRollup
from indicators.selectors import build_report
from people.roles import NETWORK_LEAD_GROUP
from tests.factories.base import UserFactory

QUERY = {"period": "quarter", "start": "2026-01-01"}


@pytest.fixture
def lead_client(network, client):  # type: ignore[no-untyped-def]
    lead = UserFactory(username="lead")
    lead.groups.add(Group.objects.get_or_create(name=NETWORK_LEAD_GROUP)[0])
    client.force_login(lead)
    return client


def _answer(referrals, needs_met, barriers=(), family=""):  # type: ignore[no-untyped-def]
    for ref in referrals:
        ref.needs_met, ref.barriers, ref.family_needs_met = needs_met, list(barriers), family
        ref.family_barriers = ["transportation"] if family == "not_met" else []
        ref.save()


def _by(items, key):  # type: ignore[no-untyped-def]
    return {item[key]: item["count"] for item in items}


def test_the_needs_met_of_a_period_are_counted_and_shown_when_large_enough(network, lead_client):
    _answer(network.referrals, "met")  # the 12 completed referrals of Q1 2026
    rollups.refresh_rollups()
    block = lead_client.get("/api/v1/indicators/", QUERY).json()["current"]
    assert block["needs_met"]["completed_count"] == 12
    assert _by(block["needs_met"]["by_answer"], "answer") == {
        "met": 12,
        "partly": 0,
        "not_met": 0,
        "unknown": 0,
    }
    assert block["needs_met"]["family_answered_count"] == 0
    assert block["barriers"]["referrals_count"] == 0
    assert set(_by(block["barriers"]["by_barrier"], "barrier").values()) == {0}


def test_small_counts_are_withheld_and_cannot_be_worked_out(network, lead_client):
    _answer(network.referrals[:11], "met")
    _answer(network.referrals[11:], "not_met", ["waitlist", "cost"], family="not_met")
    rollups.refresh_rollups()
    _, true = build_report(filters=network.filters())
    assert true["current"]["needs_met"]["completed_count"].value == 12  # the truth, unpublished
    block = lead_client.get("/api/v1/indicators/", QUERY).json()["current"]
    answers = _by(block["needs_met"]["by_answer"], "answer")
    assert answers["not_met"] == "<11"
    # 12 completed = 11 met + 1 not met: both shown would give the 1 away.
    assert not (isinstance(block["needs_met"]["completed_count"], int) and isinstance(answers["met"], int))
    assert block["needs_met"]["family_answered_count"] == "<11"
    assert _by(block["needs_met"]["by_family_answer"], "answer")["not_met"] == "<11"
    barriers = _by(block["barriers"]["by_barrier"], "barrier")
    assert barriers["waitlist"] == barriers["cost"] == "<11" and barriers["language"] == 0
    assert block["barriers"]["referrals_count"] == "<11"
    assert _by(block["barriers"]["by_family_barrier"], "barrier")["transportation"] == "<11"
    # The CSV says the same.
    rows = list(
        csv.DictReader(io.StringIO(lead_client.get("/api/v1/indicators/export.csv", QUERY).content.decode()))
    )
    waitlist = [r for r in rows if r["indicator"] == "barriers" and r["group"] == "barrier=waitlist"]
    assert [(r["period"], r["value"]) for r in waitlist if r["breakdown"] == "by_barrier"] == [
        ("current", "<11"),
        ("previous", "0"),
    ]


def test_the_page_shows_them_in_a_table_in_english_and_spanish(network, lead_client):
    _answer(network.referrals, "met")
    rollups.refresh_rollups()
    page = lead_client.get("/indicators/", QUERY).content.decode()
    assert 'id="needs-met-table"' in page and '<caption id="needs-met-caption">' in page
    assert '<th scope="row">Partly met</th>' in page
    assert '<th scope="row">Could not reach the family</th>' in page
    lead_client.cookies["django_language"] = "es"
    spanish = lead_client.get("/indicators/", QUERY, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Necesidad cubierta" in spanish and '<th scope="row">Se cubrió en parte</th>' in spanish


def test_a_period_published_before_needs_met_stays_as_published(network, lead_client):
    rollups.refresh_rollups()
    first = lead_client.get("/api/v1/indicators/", QUERY).json()
    # As a period stored before this release: its block has no needs met.
    for row in IndicatorRollup.objects.all():
        row.report["block"].pop("needs_met")
        row.report["block"].pop("barriers")
        row.save()
    _answer(network.referrals, "met")  # answers given later change nothing published
    again = lead_client.get("/api/v1/indicators/", QUERY).json()
    assert again["source"] == "rollup"
    assert again["current"]["needs_met"] is None and again["current"]["barriers"] is None
    assert again["current"]["connected"] == first["current"]["connected"]
    assert lead_client.get("/api/v1/indicators/export.csv", QUERY).status_code == 200
    page = lead_client.get("/indicators/", QUERY).content.decode()
    assert "published before needs met were counted" in page
