"""The network lead's API, CSV and page: the same numbers, aggregates only, audited,
and a constant number of queries whatever the period."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from audit.models import AuditEvent
from indicators import rollups
from people.roles import NETWORK_LEAD_GROUP
from tests.factories.base import UserFactory
from tests.factories.directory import ProviderFactory
from tests.factories.families import GuardianFactory

LABELS = (
    "age_band",
    "concern_type",
    "discipline",
    "instrument",
    "band",
    "month",
    "reason",
    "answer",
    "barrier",
)
QUERY = {"period": "quarter", "start": "2026-01-01"}


@pytest.fixture
def lead_client(network, client):  # type: ignore[no-untyped-def]
    lead = UserFactory(username="lead")
    lead.groups.add(Group.objects.get_or_create(name=NETWORK_LEAD_GROUP)[0])
    client.force_login(lead)
    client.lead = lead
    rollups.refresh_rollups()  # the job has run: a read never publishes
    return client


def cells(node: Any, path: tuple[str, ...] = (), out: dict | None = None) -> dict[tuple[str, ...], str]:
    """Every scalar of the JSON report keyed by where it sits (labels included)."""
    out = {} if out is None else out
    if isinstance(node, dict):
        labels = tuple(f"{k}={node[k]}" for k in LABELS if k in node)
        for key, value in node.items():
            if key not in LABELS:
                cells(value, path + labels + (key,), out)
    elif isinstance(node, list):
        for item in node:
            cells(item, path, out)
    else:
        out[path] = "" if node is None else str(node)
    return out


def test_the_csv_holds_exactly_the_numbers_of_the_api(lead_client):
    report = lead_client.get("/api/v1/indicators/", QUERY).json()
    response = lead_client.get("/api/v1/indicators/export.csv", QUERY)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    from_csv = {}
    for row in rows:
        period = "capacity" if row["period"] == "snapshot" else row["period"]
        lead = (period,) if period == "capacity" else (period, row["indicator"])
        groups = tuple(g for g in row["group"].split(";") if g)
        breakdowns = [b for b in row["breakdown"].split("/") if b]
        # rebuild the JSON path: breakdown names interleaved with their labels
        path: tuple[str, ...] = lead
        for name, label in zip(breakdowns, groups, strict=False):
            path += (name, label)
        from_csv[path + (row["measure"],)] = row["value"]
    from_api = {
        k: v
        for k, v in cells({p: report[p] for p in ("current", "previous", "capacity")}).items()
        if k[-1] not in ("as_of", "rule")
    }
    assert from_csv == from_api


def test_the_api_answers_both_periods_and_the_filters(lead_client):
    report = lead_client.get("/api/v1/indicators/", {**QUERY, "discipline": "mental_health_clinician"}).json()
    assert report["period"] == {
        "kind": "quarter",
        "start": "2026-01-01",
        "from": "2026-01-01",
        "to": "2026-03-31",
        "days": 90,
    }
    assert report["previous_period"] == {
        "kind": "quarter",
        "start": "2025-10-01",
        "from": "2025-10-01",
        "to": "2025-12-31",
        "days": 92,
    }
    assert report["filters"] == {"area": None, "discipline": "mental_health_clinician"}
    # 12 of the quarter's 14 referrals went to the clinician, 2 to the SLP: shown, the 12
    # would give the 2 away (network minus clinician), so both read "<11".
    assert report["current"]["referral_sources"]["count"] == "<11"
    network = lead_client.get("/api/v1/indicators/", QUERY).json()
    assert network["current"]["referral_sources"]["count"] == 14
    slp = lead_client.get("/api/v1/indicators/", {**QUERY, "discipline": "speech_language_pathologist"})
    assert slp.json()["current"]["referral_sources"]["count"] == "<11"
    by_state = lead_client.get("/api/v1/indicators/", {**QUERY, "area": "mi"}).json()
    assert by_state["filters"] == {"area": {"kind": "state", "value": "MI"}, "discipline": None}
    assert by_state["current"]["referral_sources"]["count"] == "<11"
    assert by_state["current"]["declines"]["count"] == 0  # zeros are shown


def test_the_old_from_and_to_still_work_when_they_name_a_closed_period(lead_client):
    old = lead_client.get("/api/v1/indicators/", {"from": "2026-01-01", "to": "2026-03-31"}).json()
    new = lead_client.get("/api/v1/indicators/", QUERY).json()
    assert old["period"] == new["period"] and old["current"] == new["current"]
    year = lead_client.get("/api/v1/indicators/", {"from": "2025-01-01", "to": "2025-12-31"}).json()
    assert year["period"]["kind"] == "year"


@time_machine.travel(datetime.datetime(2026, 7, 15, 12, tzinfo=datetime.UTC), tick=False)
def test_the_default_is_the_last_closed_quarter(lead_client):
    lead_client.force_login(lead_client.lead)
    report = lead_client.get("/api/v1/indicators/").json()
    assert (report["period"]["kind"], report["period"]["from"], report["period"]["to"]) == (
        "quarter",
        "2026-04-01",
        "2026-06-30",
    )
    month = lead_client.get("/api/v1/indicators/", {"period": "month"}).json()
    assert (month["period"]["from"], month["period"]["to"]) == ("2026-06-01", "2026-06-30")


@pytest.mark.parametrize(
    "query, parameter",
    [
        ({"from": "yesterday", "to": "2026-03-31"}, "from"),
        ({"start": "2026-13-01"}, "start"),
        ({"area": "Atlantis"}, "area"),
        ({"area": "ZZ"}, "area"),
        ({"discipline": "wizard"}, "discipline"),
    ],
)
def test_a_bad_parameter_is_named(lead_client, query, parameter):
    for url in ("/api/v1/indicators/", "/api/v1/indicators/export.csv"):
        response = lead_client.get(url, query)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_parameter" and response.json()["parameter"] == parameter


@pytest.mark.parametrize(
    "query, parameter",
    [
        # Free dates: the November to the 30th and to the 29th.
        ({"from": "2025-11-01", "to": "2025-11-29"}, "from"),
        ({"from": "2025-11-02", "to": "2025-11-30"}, "from"),
        ({"from": "2025-11-01"}, "to"),
        ({"to": "2025-11-30"}, "from"),
        ({"from": "2025-11-01", "to": "2025-11-30", "period": "month"}, "from"),
        ({"period": "week"}, "period"),
        ({"period": "month", "start": "2025-11-02"}, "start"),
        ({"period": "quarter", "start": "2025-11-01"}, "start"),
        ({"period": "year", "start": "2025-07-01"}, "start"),
        ({"period": "year", "start": "1999-01-01"}, "start"),
        ({"period": "year", "start": "2999-01-01"}, "start"),
        # Not ended yet: only closed periods.
        ({"period": "year", "start": "2026-01-01"}, "start"),
        # Finer than a quarter, or both populations at once.
        ({"period": "month", "start": "2025-11-01", "discipline": "pediatrician"}, "period"),
        ({"period": "year", "start": "2025-01-01", "area": "MI"}, "period"),
        ({**QUERY, "area": "MI", "discipline": "pediatrician"}, "area"),
        ({**QUERY, "area": "481"}, "area"),
        ({**QUERY, "area": "Washtenaw County, MI"}, "area"),
    ],
)
@time_machine.travel(datetime.datetime(2026, 7, 15, 12, tzinfo=datetime.UTC), tick=False)
def test_a_period_or_combination_that_is_not_published_is_refused(lead_client, query, parameter):
    lead_client.force_login(lead_client.lead)
    for url in ("/api/v1/indicators/", "/api/v1/indicators/export.csv"):
        response = lead_client.get(url, query)
        assert response.status_code == 400, (url, response.content)
        body = response.json()
        assert (body["code"], body["parameter"]) == ("period_not_allowed", parameter)
        assert body["detail"].startswith(f"{parameter}: ")
    page = lead_client.get("/indicators/", query)
    assert page.status_code == 400 and escape(body["detail"]) in page.content.decode()


def test_nobody_but_a_network_lead_reads_indicators(network, client):
    guardian = GuardianFactory()
    for user in (guardian.user, network.providers["ped"].user, UserFactory(is_staff=True)):
        client.force_login(user)
        for url in ("/api/v1/indicators/", "/api/v1/indicators/export.csv", "/indicators/"):
            assert client.get(url).status_code == 403, url
    client.logout()
    assert client.get("/api/v1/indicators/").status_code == 403
    assert client.get("/indicators/").status_code == 302


def test_no_child_appears_anywhere_in_what_the_lead_sees(lead_client, network):
    bodies = [
        lead_client.get("/api/v1/indicators/", QUERY).content.decode(),
        lead_client.get("/api/v1/indicators/export.csv", QUERY).content.decode(),
        lead_client.get("/indicators/", QUERY).content.decode(),
    ]
    for child in network.children:
        for body in bodies:
            assert child.name not in body
    assert '"child":' not in bodies[0] and '"child_id"' not in bodies[0]


def test_each_read_is_audited_as_aggregate_access_without_a_child(lead_client):
    lead_client.get("/api/v1/indicators/", QUERY)
    lead_client.get("/api/v1/indicators/export.csv", QUERY)
    lead_client.get("/indicators/", QUERY)
    rows = AuditEvent.objects.filter(actor=lead_client.lead, object_type="network_indicators").order_by("id")
    assert [(r.action, r.child_id) for r in rows] == [("view", None), ("export", None), ("view", None)]
    assert "start=2026-01-01" in rows[0].detail and "(api)" in rows[0].detail


def _queries(client, query) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/indicators/", query).status_code == 200
    return len(ctx.captured_queries)


def test_a_published_period_costs_the_same_queries_whatever_the_period(lead_client):
    ProviderFactory.create_batch(3, discipline="home_visitor")
    queries = [
        QUERY,
        {"period": "month", "start": "2026-03-01"},
        {"period": "year", "start": "2025-01-01"},
        {**QUERY, "area": "MI"},
        {**QUERY, "discipline": "pediatrician"},
    ]
    for query in queries:  # a first read of each (the session, caches)
        _queries(lead_client, query)
    counts = [_queries(lead_client, query) for query in queries]
    assert len(set(counts)) == 1 and counts[0] <= 20, counts
