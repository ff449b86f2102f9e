"""An attacker who differences published indicators recovers no count below 11.

Referrals are seeded in the real database (a year of them, and the issue's November:
30 referrals, one of them on the 30th). Hypothesis then picks what a network lead can
ask for — any periods (free ``from``/``to`` windows as well as aligned months, quarters
and years), filters (a recipient discipline, a state), JSON or CSV — and the attacker
puts everything published together:

- every published figure of the referral-level indicators (referral sources by the
  sender's discipline, connected / not connected, declines by reason, by the
  recipient's discipline and the grid of both) is a sum over "atoms": (a stretch of days
  between published period boundaries, recipient discipline, recipient state, category);
- a shown figure is an equation, a shown zero says all its atoms are zero, a withheld
  figure is an unknown;
- it then tries every withheld figure, every atom and every difference of two nested
  published figures ("total minus published cells", "the month minus the month less a
  day"): whatever the equations pin to a value from 1 to 10 is a recovered count
  (checked against the true count of the seeded referrals).

Nothing may be recovered. Requests the service refuses (400) publish nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.models import Discipline
from indicators import rollups
from people.roles import NETWORK_LEAD_GROUP
from referrals.models import DeclineReason
from tests.factories.base import UserFactory
from tests.factories.directory import LocationFactory, ProviderFactory
from tests.factories.families import ChildFactory, GuardianFactory
from tests.indicators.conftest import referral

UTC = datetime.UTC
NOW = datetime.datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
YEAR = 2026
PRIME = (1 << 61) - 1
STATES = ("MI", "OH")
RECIPIENTS = (  # (discipline, state)
    ("pediatrician", "MI"),
    ("speech_language_pathologist", "OH"),
    ("mental_health_clinician", "MI"),
)
SENDERS = ("pediatrician", "early_childhood_educator")
FAMILY_CATS: dict[str, tuple[str, ...]] = {
    "sources": (*Discipline.values, "family"),
    "connected": ("yes", "no"),
    "declines": tuple(DeclineReason.values),
}


@dataclass(frozen=True)
class Seeded:
    day: datetime.date
    sender: str
    recipient: str
    state: str
    status: str
    reason: str


@dataclass(frozen=True)
class Figure:
    family: str
    start: datetime.date
    end: datetime.date
    recipient: str | None  # a discipline filter or the declines' recipient breakdown
    state: str | None
    cat: str | None
    value: int | str

    def covers(self, atom: Atom) -> bool:
        return (
            self.start <= atom.start
            and atom.end <= self.end
            and self.recipient in (None, atom.recipient)
            and self.state in (None, atom.state)
            and self.cat in (None, atom.cat)
        )


@dataclass(frozen=True, order=True)
class Atom:
    start: datetime.date
    end: datetime.date
    recipient: str
    state: str
    cat: str


def _seed() -> list[Seeded]:
    rng = random.Random(23)
    providers = {}
    for discipline, state in RECIPIENTS:
        provider = ProviderFactory(discipline=discipline)
        LocationFactory(
            provider=provider,
            state=state,
            city="Ann Arbor" if state == "MI" else "Columbus",
            zip="48104" if state == "MI" else "43210",
        )
        providers[discipline] = provider
    senders = {d: ProviderFactory(discipline=d) for d in SENDERS}
    guardian = GuardianFactory()
    plan: list[tuple[datetime.date, str, str, str, str]] = []
    # The issue's November: 29 referrals on the 1st to the 29th, one on the 30th.
    for day in range(1, 30):
        plan.append((datetime.date(YEAR, 11, day), "pediatrician", "pediatrician", "completed", ""))
    plan.append((datetime.date(YEAR, 11, 30), "pediatrician", "pediatrician", "sent", ""))
    # The rest of the year: a mix of senders, recipients and answers.
    for _ in range(70):
        day = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        status = rng.choice(["completed", "completed", "declined", "sent"])
        reason = rng.choice(["no_capacity", "out_of_area"]) if status == "declined" else ""
        plan.append((day, rng.choice(SENDERS), rng.choice(RECIPIENTS)[0], status, reason))
    seeded = []
    for i, (day, sender, recipient, status, reason) in enumerate(plan):
        child = ChildFactory(
            family=guardian.family, first_name=f"Kid{i}", date_of_birth=datetime.date(YEAR - 2, 1, 1)
        )
        sent = datetime.datetime.combine(day, datetime.time(10), tzinfo=UTC)
        extra: dict[str, Any] = {"status": status}
        if status == "completed":
            extra.update(
                outcome="connected",
                responded_at=sent + datetime.timedelta(days=1),
                appointment_at=sent + datetime.timedelta(days=10),
                closed_at=sent + datetime.timedelta(days=12),
            )
        if status == "declined":
            extra.update(decline_reason=reason, responded_at=sent + datetime.timedelta(days=2))
        referral(child, senders[sender], providers[recipient], sent, concern_type="autism_screening", **extra)
        state = dict(RECIPIENTS)[recipient]
        seeded.append(Seeded(day, sender, recipient, state, status, reason))
    return seeded


# --- Reading what was published ----------------------------------------------------


def _block_figures(
    block: dict[str, Any], start: datetime.date, end: datetime.date, recipient: str | None, state: str | None
) -> list[Figure]:
    def fig(family: str, value: Any, cat: str | None = None, to: str | None = None) -> Figure:
        return Figure(family, start, end, to or recipient, state, cat, value)

    out = []
    sources = block["referral_sources"]
    out.append(fig("sources", sources["count"]))
    out += [fig("sources", item["count"], item["discipline"]) for item in sources["by_discipline"]]
    connected = block["connected"]
    out.append(fig("connected", connected["referrals_count"]))
    out.append(fig("connected", connected["connected_count"], "yes"))
    out.append(fig("connected", connected["not_connected_count"], "no"))
    declines = block["declines"]
    out.append(fig("declines", declines["count"]))
    out += [fig("declines", item["count"], item["reason"]) for item in declines["by_reason"]]
    out += [fig("declines", item["count"], None, item["discipline"]) for item in declines["by_discipline"]]
    for row in declines["by_discipline_and_reason"]:
        out += [
            fig("declines", item["count"], item["reason"], row["discipline"]) for item in row["by_reason"]
        ]
    return out


def _value(raw: Any) -> int | str:
    return raw if raw == "<11" else int(raw)


def _csv_figures(
    text: str, start: datetime.date, end: datetime.date, recipient: str | None, state: str | None
) -> list[Figure]:
    """The CSV's current period as the same figures (rows rebuilt into blocks)."""
    block: dict[str, Any] = {
        "referral_sources": {"by_discipline": []},
        "connected": {},
        "declines": {"by_reason": [], "by_discipline": [], "by_discipline_and_reason": []},
    }
    grid: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in csv.DictReader(io.StringIO(text)):
        if row["period"] != "current" or row["indicator"] not in (
            "referral_sources",
            "connected",
            "declines",
        ):
            continue
        node, labels = block[row["indicator"]], dict(g.split("=", 1) for g in row["group"].split(";") if g)
        value = _value(row["value"]) if row["measure"].endswith("count") else row["value"]
        if row["breakdown"] == "":
            node[row["measure"]] = value
        elif row["measure"] != "count":
            continue
        elif row["breakdown"] == "by_discipline_and_reason/by_reason":
            grid[labels["discipline"]].append({"reason": labels["reason"], "count": value})
        elif row["breakdown"] in ("by_discipline", "by_reason"):
            node[row["breakdown"]].append({**labels, "count": value})
    block["declines"]["by_discipline_and_reason"] = [
        {"discipline": d, "by_reason": items} for d, items in grid.items()
    ]
    return _block_figures(block, start, end, recipient, state)


def _period(node: dict[str, Any]) -> tuple[datetime.date, datetime.date]:
    return datetime.date.fromisoformat(node["from"]), datetime.date.fromisoformat(node["to"])


def published(client: Any, request: dict[str, str], fmt: str) -> list[Figure]:
    recipient, state = request.get("discipline"), request.get("area")
    if fmt == "csv":
        response = client.get("/api/v1/indicators/export.csv", request)
        if response.status_code == 400:
            assert response.json()["code"] in ("period_not_allowed", "invalid_parameter")
            return []
        assert response.status_code == 200, response.content
        match = re.search(r"(\d{4}-\d\d-\d\d)-(\d{4}-\d\d-\d\d)\.csv", response["Content-Disposition"])
        assert match
        start, end = (datetime.date.fromisoformat(g) for g in match.groups())
        return _csv_figures(response.content.decode(), start, end, recipient, state)
    response = client.get("/api/v1/indicators/", request)
    if response.status_code == 400:
        assert response.json()["code"] in ("period_not_allowed", "invalid_parameter")
        return []
    assert response.status_code == 200, response.content
    report = response.json()
    figures = _block_figures(report["current"], *_period(report["period"]), recipient, state)
    figures += _block_figures(report["previous"], *_period(report["previous_period"]), recipient, state)
    return figures


# --- The attacker ------------------------------------------------------------------


def _atoms(figures: list[Figure], family: str) -> list[Atom]:
    cuts = sorted({f.start for f in figures} | {f.end + datetime.timedelta(days=1) for f in figures})
    spans = [(a, b - datetime.timedelta(days=1)) for a, b in zip(cuts, cuts[1:], strict=False)]
    return [
        Atom(s, e, d, state, cat)
        for s, e in spans
        for d in Discipline.values
        for state in (*STATES, "other")
        for cat in FAMILY_CATS[family]
    ]


def _truth(seeded: list[Seeded], family: str, atom: Atom) -> int:
    def cat(r: Seeded) -> str | None:
        if family == "sources":
            return r.sender
        if family == "connected":
            return "yes" if r.status == "completed" else "no"
        return r.reason if r.status == "declined" else None

    return sum(
        1
        for r in seeded
        if atom.start <= r.day <= atom.end
        and (r.recipient, r.state, cat(r)) == (atom.recipient, atom.state, atom.cat)
    )


class Solver:
    """Reduced row echelon form modulo a large prime over the unknown atoms."""

    def __init__(self) -> None:
        self.rows: dict[int, tuple[dict[int, int], int]] = {}  # pivot -> (coefs, rhs)

    def _reduce(self, coefs: dict[int, int], rhs: int) -> tuple[dict[int, int], int]:
        coefs = dict(coefs)
        for pivot in [k for k in coefs if k in self.rows]:
            factor = coefs.get(pivot, 0)
            if not factor:
                continue
            row, row_rhs = self.rows[pivot]
            for k, c in row.items():
                coefs[k] = (coefs.get(k, 0) - factor * c) % PRIME
            rhs = (rhs - factor * row_rhs) % PRIME
        return {k: c for k, c in coefs.items() if c}, rhs

    def add(self, coefs: dict[int, int], rhs: int) -> None:
        coefs, rhs = self._reduce(coefs, rhs)
        if not coefs:
            return
        pivot = min(coefs)
        inverse = pow(coefs[pivot], PRIME - 2, PRIME)
        coefs = {k: c * inverse % PRIME for k, c in coefs.items()}
        rhs = rhs * inverse % PRIME
        for other, (row, row_rhs) in list(self.rows.items()):
            factor = row.get(pivot)
            if factor:
                merged = dict(row)
                for k, c in coefs.items():
                    merged[k] = (merged.get(k, 0) - factor * c) % PRIME
                self.rows[other] = ({k: c for k, c in merged.items() if c}, (row_rhs - factor * rhs) % PRIME)
        self.rows[pivot] = (coefs, rhs)

    def value(self, coefs: dict[int, int]) -> int | None:
        """The value of sum(coefs * atoms) if the equations pin it, else None."""
        rest, rhs = self._reduce(coefs, 0)
        if rest:
            return None
        value = (-rhs) % PRIME
        return value - PRIME if value > PRIME // 2 else value


def attack(figures: list[Figure], seeded: list[Seeded]) -> list[str]:
    recovered: list[str] = []
    for family in FAMILY_CATS:
        mine = list({f for f in figures if f.family == family})
        if not mine:
            continue
        atoms = _atoms(mine, family)
        members = {f: [i for i, a in enumerate(atoms) if f.covers(a)] for f in mine}
        zero = {i for f in mine if f.value == 0 for i in members[f]}
        solver = Solver()
        for f in mine:
            if isinstance(f.value, int):
                solver.add({i: 1 for i in members[f] if i not in zero}, f.value % PRIME)
        targets: list[tuple[str, set[int]]] = []
        for f in mine:
            if f.value == "<11":
                targets.append((f"withheld {f}", set(members[f])))
        targets += [(f"atom {atoms[i]}", {i}) for i in range(len(atoms)) if i not in zero]
        shown = [f for f in mine if isinstance(f.value, int)]
        for a in shown:
            for b in shown:
                inner, outer = set(members[b]), set(members[a])
                if a != b and inner < outer:
                    targets.append((f"{a} minus {b}", outer - inner))
        for label, cells in targets:
            live = cells - zero
            if not live:
                continue
            value = solver.value({i: 1 for i in live})
            truth = sum(_truth(seeded, family, atoms[i]) for i in live)
            if value is not None and 1 <= value <= 10 and value == truth:
                recovered.append(f"{family}: {label} = {value}")
    return recovered


# --- The test ----------------------------------------------------------------------

day_in_year = st.integers(0, 364).map(lambda n: datetime.date(YEAR, 1, 1) + datetime.timedelta(days=n))


@st.composite
def free_window(draw: st.DrawFn) -> dict[str, str]:
    start = draw(
        st.one_of(day_in_year, st.sampled_from([datetime.date(YEAR, 11, 1), datetime.date(YEAR, 10, 1)]))
    )
    end = min(start + datetime.timedelta(days=draw(st.integers(0, 120))), datetime.date(YEAR, 12, 31))
    end = draw(
        st.one_of(st.just(end), st.sampled_from([datetime.date(YEAR, 11, 29), datetime.date(YEAR, 11, 30)]))
    )
    start = min(start, end)
    return {"from": start.isoformat(), "to": end.isoformat()}


@st.composite
def aligned(draw: st.DrawFn) -> dict[str, str]:
    kind = draw(st.sampled_from(["month", "quarter", "year"]))
    if kind == "month":
        start = datetime.date(YEAR, draw(st.integers(1, 12)), 1)
    elif kind == "quarter":
        start = datetime.date(YEAR, 3 * draw(st.integers(0, 3)) + 1, 1)
    else:
        start = datetime.date(YEAR, 1, 1)
    return {"period": kind, "start": start.isoformat()}


filters = st.sampled_from(
    [
        {},
        {},
        {"discipline": "pediatrician"},
        {"discipline": "speech_language_pathologist"},
        {"area": "MI"},
        {"area": "OH"},
    ]
)
requests = st.lists(
    st.tuples(st.one_of(free_window(), aligned()), filters, st.sampled_from(["json", "csv"])),
    min_size=2,
    max_size=7,
)


@pytest.fixture
def world(db, client):  # type: ignore[no-untyped-def]
    lead = UserFactory(username="lead")
    lead.groups.add(Group.objects.get_or_create(name=NETWORK_LEAD_GROUP)[0])
    client.lead = lead
    seeded = _seed()
    with time_machine.travel(NOW, tick=False):
        rollups.refresh_rollups()  # the job publishes; the attacker only reads
    return client, seeded


def _collect(client: Any, chosen: Iterable[tuple[dict[str, str], dict[str, str], str]]) -> list[Figure]:
    figures: list[Figure] = []
    # The API's per-user rate limit would end a long example early (time stands still
    # here); the attacker is not slowed down, so neither is this test.
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        client.force_login(client.lead)
        for period, narrowed, fmt in chosen:
            figures += published(client, {**period, **narrowed}, fmt)
    return figures


def test_the_issue_scenario_recovers_nothing(world):
    """November to the 30th and to the 29th, and the CSV (issue 23, finding 2)."""
    client, seeded = world
    chosen = [
        ({"from": f"{YEAR}-11-01", "to": f"{YEAR}-11-30"}, {}, "json"),
        ({"from": f"{YEAR}-11-01", "to": f"{YEAR}-11-29"}, {}, "json"),
        ({"from": f"{YEAR}-11-01", "to": f"{YEAR}-11-29"}, {}, "csv"),
        ({"period": "month", "start": f"{YEAR}-11-01"}, {}, "json"),
        ({"period": "quarter", "start": f"{YEAR}-10-01"}, {}, "csv"),
        ({"period": "quarter", "start": f"{YEAR}-10-01"}, {"discipline": "pediatrician"}, "json"),
    ]
    recovered = attack(_collect(client, chosen), seeded)
    assert recovered == [], f"{len(recovered)} counts below 11 recovered: {recovered}"


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(chosen=requests)
def test_no_set_of_requests_recovers_a_count_below_eleven(world, chosen):
    client, seeded = world
    recovered = attack(_collect(client, chosen), seeded)
    assert recovered == [], f"{len(recovered)} counts below 11 recovered: {recovered}"
