"""The monthly tallies: every period and filter a network lead may ask for, published
from the pre-aggregated monthly table, is exactly what publishing it from the referrals
themselves gives (the same JSON, suppression included), and a request served from the
table costs the same queries whatever the filter."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from consent.models import ConsentEvent
from directory.models import Discipline
from indicators import monthly, publication, rollups, selectors
from indicators.ledger import resolve
from indicators.models import IndicatorRollup, MonthlyTally, TallyYear
from indicators.params import Period
from indicators.suppression import suppress_linked
from indicators.tally import CHILD_SETS
from people.roles import NETWORK_LEAD_GROUP
from referrals.models import Barrier, ConcernType, DeclineReason, NeedsMet, Outcome
from tests.factories.base import UserFactory
from tests.factories.consent import ConsentFactory
from tests.factories.directory import LocationFactory, OrganizationFactory, ProviderFactory
from tests.factories.families import ChildFactory, GuardianFactory
from tests.indicators.conftest import referral, screening

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
NOW = datetime.datetime(2026, 7, 15, 12, 0, tzinfo=UTC)
FIRST = datetime.datetime(2025, 1, 1, tzinfo=UTC)
RECIPIENTS = [
    ("mental_health_clinician", "MI"),
    ("mental_health_clinician", "OH"),
    ("speech_language_pathologist", "OH"),
    ("speech_language_pathologist", " mi "),  # a state written carelessly counts as MI
    ("home_visitor", "IN"),
    ("psychologist", None),  # no location: counts for the network only
]
STATUSES = ["sent", "received", "accepted", "declined", "scheduled", "completed", "completed", "cancelled"]
SCREENINGS = [
    {"instrument": "asq_se_2", "interval_months": 18, "total": 90},
    {"instrument": "asq_se_2", "interval_months": 18, "total": 10},
    {"instrument": "mchat_r_f", "total": 12},
    {"instrument": "mchat_r_f", "total": 1},
    {"instrument": "epds", "total": 15, "item_10": 0},
    {"instrument": "epds", "total": 3, "item_10": 0},
]


def _moment(rng: random.Random, start: datetime.datetime, days: float) -> datetime.datetime:
    """A moment with microseconds: durations rarely repeat, as in real data."""
    return start + datetime.timedelta(microseconds=rng.randrange(int(days * 86400 * 10**6)))


def _answers(rng: random.Random, status: str, sent: datetime.datetime) -> dict[str, Any]:
    fields: dict[str, Any] = {"status": status, "concern_type": rng.choice(ConcernType.values)}
    if status in ("accepted", "declined", "scheduled", "completed") and rng.random() < 0.9:
        fields["responded_at"] = _moment(rng, sent, rng.choice([3, 9, 20]))
    if status in ("scheduled", "completed") and rng.random() < 0.85:
        fields["appointment_at"] = _moment(rng, sent, rng.choice([30, 60, 90]))
    if status == "declined":
        fields["decline_reason"] = rng.choice([*DeclineReason.values, ""])
    if status == "completed":
        fields["outcome"] = rng.choice([*Outcome.values, Outcome.CONNECTED])
        fields["needs_met"] = rng.choice([*NeedsMet.values, ""])
        fields["barriers"] = rng.sample(Barrier.values, rng.choice([0, 0, 1, 2]))
        fields["family_needs_met"] = rng.choice([*NeedsMet.values, "", ""])
        fields["family_barriers"] = rng.sample(Barrier.values, rng.choice([0, 1]))
    return fields


def make_world(seed: int, referrals: int) -> None:
    """A year and a half of referrals among a few recipients in three states (one without
    a location), children referred several times, screenings and consent events."""
    rng = random.Random(seed)
    recipients = []
    for discipline, state in RECIPIENTS:
        provider = ProviderFactory(discipline=discipline)
        if state is not None:
            LocationFactory(provider=provider, state=state)
        recipients.append(provider)
    senders = [ProviderFactory(discipline=d) for d in ("pediatrician", "early_childhood_educator")]
    guardian = GuardianFactory()
    children = [
        ChildFactory(
            family=guardian.family,
            first_name=f"Kid{i}",
            date_of_birth=datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randrange(1900)),
        )
        for i in range(referrals // 3)
    ]
    for _ in range(referrals):
        sent = _moment(rng, FIRST, (NOW - FIRST).days)
        made = referral(
            rng.choice(children),
            rng.choice(senders),
            rng.choice(recipients),
            sent,
            **_answers(rng, rng.choice(STATUSES), sent),
        )
        if rng.random() < 0.3:
            screening(made, rng.choice(SCREENINGS))
    organization = OrganizationFactory()
    for _ in range(referrals // 4):
        to = (
            {"recipient_provider": rng.choice(recipients)}
            if rng.random() < 0.8
            else {"recipient_organization": organization}
        )
        consent = ConsentFactory(child=rng.choice(children), granted_by=guardian, **to)
        kind = rng.choice(["granted", "granted", "revoked"])
        ConsentEvent.objects.create(consent=consent, kind=kind, at=_moment(rng, FIRST, (NOW - FIRST).days))


def _published_alike(
    table: selectors.TallySource, rows: selectors.TallySource, blocks: list[tuple[Period, str]]
) -> dict[str, Any]:
    """Every block of a year as ``publication`` publishes it (suppressed together), from
    the table and from the rows. ``suppress_linked`` is a pure function of a year's
    counts, relations and never-published cells, so the two ledgers are compared whole
    (the same cells, values and relations, in the same order) and the suppression, the
    costly step, is run once; both years' reports are then resolved with its answer and
    must be the same JSON."""
    mine, theirs = publication._Year(table, blocks), publication._Year(rows, blocks)
    assert list(mine.ledger.values.items()) == list(theirs.ledger.values.items())
    assert mine.ledger.relations == theirs.ledger.relations
    assert mine.virtual == theirs.virtual
    hidden = suppress_linked(dict(mine.ledger.values), mine.ledger.relations, virtual=mine.virtual, fixed={})
    published = {key: resolve(report, hidden) for key, report in mine.reports.items()}
    assert published == {key: resolve(report, hidden) for key, report in theirs.reports.items()}
    return published


@pytest.mark.parametrize(("seed", "referrals"), [(1, 60), (2, 150), (3, 250)])
def test_every_period_and_filter_from_the_table_equals_the_one_computed_from_the_referrals(seed, referrals):
    """All the blocks of a year are every combination a reader may ask for: the year,
    each closed quarter (the network, each discipline, each state), each closed month."""
    make_world(seed, referrals)
    compared = 0
    with time_machine.travel(NOW, tick=False):
        for year in (2025, 2026):
            blocks = publication._year_blocks(year, NOW.date(), publication._quarter_slices(None))
            rows = selectors.RowSource(selectors.load_year(year), NOW)
            cube = monthly.cube_for(year, NOW, NOW)
            assert cube.as_of == NOW
            for period, slice_ in blocks:
                mine, theirs = cube.block(period, slice_), rows.block(period, slice_)
                assert +mine.counts == +theirs.counts, (period, slice_)
                assert {k: +h for k, h in mine.hists.items()} == {k: +h for k, h in theirs.hists.items()}
                for key in CHILD_SETS:
                    assert mine.children(key) == min(theirs.children(key), 11)
            from_table = _published_alike(cube, rows, blocks)
            compared += len(blocks)
            withheld = [k for k, block in from_table.items() if "'<11'" in str(block)]
            assert withheld, "the world is small enough for suppression to matter"
    slices = {s for _, s in blocks}
    assert {"state:MI", "state:OH", "state:IN", f"discipline:{Discipline.PSYCHOLOGIST}"} <= slices
    assert compared > 100


def _lead_client(client):  # type: ignore[no-untyped-def]
    lead = UserFactory(username="lead")
    lead.groups.add(Group.objects.get_or_create(name=NETWORK_LEAD_GROUP)[0])
    client.force_login(lead)
    return client


GRID = [
    {"period": "quarter", "start": "2026-04-01"},
    {"period": "quarter", "start": "2026-01-01", "discipline": "mental_health_clinician"},
    {"period": "quarter", "start": "2025-07-01", "area": "MI"},
    {"period": "quarter", "start": "2025-10-01", "area": "oh"},
    {"period": "quarter", "start": "2025-04-01", "discipline": "psychologist"},
    {"period": "month", "start": "2026-06-01"},
    {"period": "month", "start": "2025-02-01"},
    {"period": "year", "start": "2025-01-01"},
    {"from": "2025-01-01", "to": "2025-03-31"},
]


def _answers_for(client) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    out = []
    for query in GRID:
        response = client.get("/api/v1/indicators/", query)
        assert response.status_code == 200, response.content
        out.append({k: v for k, v in response.json().items() if k != "source"})
    return out


def test_the_api_answers_the_same_from_the_table_as_from_the_referrals(client):
    make_world(4, 200)
    with time_machine.travel(NOW, tick=False):
        lead = _lead_client(client)
        for year in (2024, 2025, 2026):  # the years the job publishes (2024: the year before 2025)
            rows = selectors.RowSource(selectors.load_year(year), NOW)
            publication.publish_year(year, NOW, source=rows)
        from_rows = _answers_for(lead)
        IndicatorRollup.objects.all().delete()
        assert rollups.refresh_rollups()["published"] > 0  # the job: tallies, then publication
        assert IndicatorRollup.objects.count() > 0 and MonthlyTally.objects.count() > 0
        from_table = _answers_for(lead)
    assert from_table == from_rows
    assert all(answer["as_of"] == NOW.isoformat() for answer in from_table)


def test_the_job_publishes_a_year_from_the_table_alone_in_the_same_queries_for_any_year():
    """Publication (by the job only: a read never publishes) reads the year's tallies in one
    query and no referral, screening or consent event, whatever the year."""
    make_world(5, 60)
    with time_machine.travel(NOW, tick=False):
        for year in (2025, 2026):  # what the job keeps current
            monthly.refresh_year(year, NOW)
        counts = set()
        for year in (2025, 2026):
            with CaptureQueriesContext(connection) as ctx:
                assert publication.publish_year(year, NOW) > 0
            sql = [q["sql"] for q in ctx.captured_queries]
            assert not [q for q in sql if "referrals_referral" in q or "consent_consentevent" in q]
            assert sum('FROM "indicators_monthlytally"' in q for q in sql) == 1
            counts.add(len(sql))
    assert len(counts) == 1, counts


def test_tallies_computed_before_a_period_ended_or_too_old_are_recomputed_first(client):
    """By the job, before it publishes (a read only reads what it published)."""
    make_world(6, 40)
    lead = _lead_client(client)
    june = {"period": "month", "start": "2026-06-01"}
    with time_machine.travel(datetime.datetime(2026, 6, 30, 22, 0, tzinfo=UTC), tick=False):
        monthly.refresh_year(2026, None)
    with time_machine.travel(NOW, tick=False):
        assert lead.get("/api/v1/indicators/", june).json()["state"] == "pending"
        publication.publish_year(2026, NOW)
        answer = lead.get("/api/v1/indicators/", june).json()
    # June ended after those tallies: recomputed before publishing, and the answer says so.
    assert answer["as_of"] == NOW.isoformat()
    assert TallyYear.objects.get(year=2026).computed_at == NOW
    later = NOW + datetime.timedelta(hours=1)
    with time_machine.travel(later, tick=False), override_settings(INDICATORS_TALLY_MAX_AGE_S=3600 * 3):
        IndicatorRollup.objects.all().delete()
        publication.publish_year(2026, later)
        again = lead.get("/api/v1/indicators/", june).json()
    assert again["as_of"] == NOW.isoformat()  # young enough: published from them, as of then
    with time_machine.travel(later, tick=False), override_settings(INDICATORS_TALLY_MAX_AGE_S=600):
        IndicatorRollup.objects.all().delete()
        publication.publish_year(2026, later)
        stale = lead.get("/api/v1/indicators/", june).json()
    assert stale["as_of"] == later.isoformat()
