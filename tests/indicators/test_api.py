"""The network lead's API, CSV and page: the same numbers, aggregates only, audited,
and a constant number of queries whatever the period."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from people.roles import NETWORK_LEAD_GROUP
from tests.factories.base import UserFactory
from tests.factories.directory import ProviderFactory
from tests.factories.families import GuardianFactory

LABELS = ("age_band", "concern_type", "discipline", "instrument", "band", "month", "reason")
QUERY = {"from": "2026-01-01", "to": "2026-06-30"}


@pytest.fixture
def lead_client(network, client):  # type: ignore[no-untyped-def]
    lead = UserFactory(username="lead")
    lead.groups.add(Group.objects.get_or_create(name=NETWORK_LEAD_GROUP)[0])
    client.force_login(lead)
    client.lead = lead
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
    report = lead_client.get(
        "/api/v1/indicators/", {**QUERY, "area": "MI", "discipline": "mental_health_clinician"}
    ).json()
    assert report["period"] == {"from": "2026-01-01", "to": "2026-06-30", "days": 181}
    assert report["previous_period"] == {"from": "2025-07-04", "to": "2025-12-31", "days": 181}
    assert report["filters"] == {
        "area": {"kind": "state", "value": "MI"},
        "discipline": "mental_health_clinician",
    }
    assert report["current"]["referral_sources"]["count"] == 12


@pytest.mark.parametrize(
    "query, parameter",
    [
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-13-01"}, "to"),
        ({"from": "2026-06-01", "to": "2026-01-01"}, "from"),
        ({"from": "2000-01-01", "to": "2026-01-01"}, "from"),
        ({"from": "0001-01-01", "to": "0001-12-31"}, "from"),
        ({"to": "9999-12-31"}, "to"),
        ({"area": "Atlantis"}, "area"),
        ({"area": "ZZ"}, "area"),
        ({"area": "Nowhere County, MI"}, "area"),
        ({"discipline": "wizard"}, "discipline"),
    ],
)
def test_a_bad_parameter_is_named(lead_client, query, parameter):
    for url in ("/api/v1/indicators/", "/api/v1/indicators/export.csv"):
        response = lead_client.get(url, query)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_parameter" and response.json()["parameter"] == parameter


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
    assert "from=2026-01-01" in rows[0].detail and "(api)" in rows[0].detail


def _queries(client, query) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/indicators/", query).status_code == 200
    return len(ctx.captured_queries)


def test_the_dashboard_costs_the_same_queries_for_any_period(lead_client, django_assert_num_queries):
    ProviderFactory.create_batch(3, discipline="home_visitor")
    baseline = _queries(lead_client, {"from": "2026-06-01", "to": "2026-06-30"})
    with django_assert_num_queries(baseline):
        lead_client.get("/indicators/", {"from": "2021-07-01", "to": "2026-06-30", "area": "MI"})
    with django_assert_num_queries(baseline):
        lead_client.get("/indicators/", QUERY)
    with django_assert_num_queries(baseline - 0):
        lead_client.get(
            "/indicators/", {"from": "2026-03-01", "to": "2026-03-31", "discipline": "pediatrician"}
        )
    assert baseline <= 20
