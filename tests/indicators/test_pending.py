"""Every read is a read (issue 29): the job publishes each period when it closes (beat at
the month's boundary, hourly as a backstop); a request for a period it has not published
yet does no publication work and answers ``state: "pending"`` with the job's next run,
never a figure computed for the request. After the job, the same request answers the
period exactly as a read would have published it before."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from celery.schedules import crontab
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from indicators import monthly, publication, rollups
from indicators.models import IndicatorRollup, TallyYear
from people.roles import NETWORK_LEAD_GROUP
from tests.factories.base import UserFactory
from tests.indicators.conftest import at, referral

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
BEFORE_JUNE_ENDS = datetime.datetime(2026, 6, 30, 23, 7, tzinfo=UTC)  # the last hourly run of June
JUST_CLOSED = datetime.datetime(2026, 7, 1, 0, 30, tzinfo=UTC)  # June closed; the job has not run
NEXT_RUN = datetime.datetime(2026, 7, 1, 1, 7, tzinfo=UTC)
JUNE = {"period": "month", "start": "2026-06-01"}
Q2 = {"period": "quarter", "start": "2026-04-01"}


@pytest.fixture
def lead(network, client):  # type: ignore[no-untyped-def]
    user = UserFactory(username="lead")
    user.groups.add(Group.objects.get_or_create(name=NETWORK_LEAD_GROUP)[0])
    client.force_login(user)
    # June has referrals of its own (the fixture's are in March and October 2025).
    for i, child in enumerate(network.children[:12]):
        referral(child, network.providers["ped"], network.providers["imh"], at(2026, 6, 2 + i))
    rollups.refresh_rollups(BEFORE_JUNE_ENDS)  # May and Q1 are published; June is running
    return client


def _get(client, query, path="/api/v1/indicators/"):  # type: ignore[no-untyped-def]
    with time_machine.travel(JUST_CLOSED, tick=False), CaptureQueriesContext(connection) as ctx:
        response = client.get(path, query)
    assert response.status_code == 200, response.content
    return response, [q["sql"] for q in ctx.captured_queries]


def _what_main_published(key: str) -> dict:  # type: ignore[type-arg]
    """What a read at JUST_CLOSED published before this change (tallies predating June's
    end were recomputed in the request, then the year published from them): done here
    and rolled back."""
    with transaction.atomic():
        monthly.cube_for(2026, datetime.datetime(2026, 7, 1, tzinfo=UTC), JUST_CLOSED)
        publication.publish_year(2026, JUST_CLOSED)
        report = IndicatorRollup.objects.get(key=key).report
        transaction.set_rollback(True)
    assert not IndicatorRollup.objects.filter(key=key).exists()
    return report  # type: ignore[no-any-return]


def test_a_read_in_the_hour_after_a_month_closes_does_no_publication_work(lead):
    stored = IndicatorRollup.objects.count()
    tallied = TallyYear.objects.get(year=2026).computed_at
    published_read, published_sql = _get(lead, {"period": "month", "start": "2026-05-01"})
    assert published_read.json()["state"] == "published"

    response, sql = _get(lead, JUNE)
    answer = response.json()
    assert answer["state"] == "pending" and answer["current"] is None
    assert answer["next_publication_at"] == NEXT_RUN.isoformat()
    assert answer["as_of"] is None and answer["source"] is None
    # What is published is still there: May, as published, beside the pending June.
    assert answer["previous"] == published_read.json()["current"]
    assert answer["period"]["start"] == "2026-06-01"
    # No publication work: nothing tallied, nothing suppressed or stored, no referral row read.
    assert IndicatorRollup.objects.count() == stored
    assert TallyYear.objects.get(year=2026).computed_at == tallied
    assert not [
        q
        for q in sql
        if "indicators_monthlytally" in q
        or q.startswith(("INSERT", "UPDATE", "DELETE"))
        and "indicators_" in q
    ]
    assert not [q for q in sql if "referrals_referral" in q or "consent_consentevent" in q]
    # As many queries as a published read (a recent year is pending without asking).
    assert len(sql) == len(published_sql)


def test_after_the_job_the_same_read_answers_what_a_read_published_before(lead):
    expected = {key: _what_main_published(key) for key in ("month:2026-06-01:all", "quarter:2026-04-01:all")}
    assert _get(lead, JUNE)[0].json()["state"] == "pending"
    assert _get(lead, Q2)[0].json()["state"] == "pending"  # the quarter closed with June

    with time_machine.travel(NEXT_RUN, tick=False):
        job = rollups.refresh_rollups()
    assert job["published"] > 0
    for query, key in ((JUNE, "month:2026-06-01:all"), (Q2, "quarter:2026-04-01:all")):
        response, _ = _get(lead, query)
        answer = response.json()
        assert answer["state"] == "published" and answer["source"] == "rollup"
        assert answer["next_publication_at"] is None
        assert answer["as_of"] == NEXT_RUN.isoformat()
        assert answer["current"] == expected[key]["block"]
        assert IndicatorRollup.objects.get(key=key).report["cells"] == expected[key]["cells"]
    assert answer["current"]["referral_sources"]["count"] == 12


def test_a_period_the_job_does_not_publish_is_unavailable_not_pending(lead):
    for query in ({"period": "year", "start": "2010-01-01"}, {**Q2, "start": "2026-01-01", "area": "WY"}):
        answer = _get(lead, query)[0].json()
        assert answer["state"] == "unavailable", query
        assert answer["current"] is None and answer["next_publication_at"] is None


def test_the_csv_of_a_pending_period_says_so_in_its_own_columns(lead):
    response, _ = _get(lead, JUNE, "/api/v1/indicators/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    state = {r["measure"]: r["value"] for r in rows if r["indicator"] == "publication"}
    assert state == {"state": "pending", "next_publication_at": NEXT_RUN.isoformat()}
    assert not [r for r in rows if r["period"] == "current" and r["indicator"] != "publication"]
    assert {r["period"] for r in rows} == {"current", "previous", "snapshot"}  # May and capacity


def test_the_page_says_the_period_is_pending_in_english_and_spanish(lead):
    html = _get(lead, JUNE, "/indicators/")[0].content.decode()
    assert 'data-state="pending"' in html and "Not published yet." in html
    # 01:07 UTC in the reader's time zone (the default, New York's).
    assert "after the next publication run, at 30 Jun 2026, 9:07 PM EDT" in html
    assert 'href="/indicators/?period=month&amp;start=2026-05-01"' in html  # May is published
    assert 'id="chart-connected"' not in html and 'id="needs-met-table"' not in html
    lead.cookies["django_language"] = "es"
    with time_machine.travel(JUST_CLOSED, tick=False):
        spanish = lead.get("/indicators/", JUNE, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Aún sin publicar." in spanish and "Ver el periodo anterior, que ya está publicado" in spanish


def test_the_job_runs_when_a_month_closes_and_hourly():
    from referral_hub.celery import app

    schedules = [
        entry["schedule"]
        for entry in app.conf.beat_schedule.values()
        if entry["task"] == "indicators.tasks.refresh_indicator_rollups"
    ]
    assert crontab(minute=0, hour=0, day_of_month=1) in schedules
    assert crontab(minute=rollups.HOURLY_MINUTE) in schedules
