"""Two refreshes of a year's monthly tallies at once (two first readers, or a reader and
the job) on PostgreSQL: both succeed and one complete set of tallies remains.

Runs in the PostgreSQL pass (``DATABASE_URL`` set); ``postgres_url`` makes it fail rather
than skip when CI is set and PostgreSQL is unreachable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from indicators import monthly, selectors
from indicators.models import MonthlyTally, TallyYear
from tests.concurrency import race as shared_race
from tests.indicators.test_monthly import make_world

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_postgres(postgres_url):  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised in the PostgreSQL pass (DATABASE_URL set)")


def race(calls: list[Callable[[], Any]]) -> list[str]:
    """Run the callables at the same instant, one thread each: "ok" or what was raised."""
    return shared_race(calls, outcome=lambda _: "ok", refused=(Exception,), refusal=repr, timeout=120)


def test_refreshes_of_a_year_at_once_all_succeed_and_leave_one_set_of_tallies(on_postgres):
    make_world(7, 40)
    expected = {cell: t.to_json() for cell, t in monthly.tally_year(selectors.load_year(2025)).items()}
    outcomes = race([lambda: monthly.refresh_year(2025) for _ in range(6)])
    assert outcomes == ["ok"] * 6
    stored = {
        (f"{m:%Y-%m}", d, s): t
        for m, d, s, t in MonthlyTally.objects.filter(month__year=2025).values_list(
            "month", "discipline", "state", "tally"
        )
    }
    assert stored == expected
    assert TallyYear.objects.filter(year=2025).count() == 1
