"""Concurrent conflicting transitions on PostgreSQL: exactly one wins, the rest get 409.

Runs in the PostgreSQL pass (``DATABASE_URL`` set, as in ``.ci/run``); ``postgres_url``
makes it fail rather than skip when CI is set and PostgreSQL is unreachable."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from referral_hub.errors import ApplicationError
from referrals import services
from referrals.models import Referral, ReferralEvent
from tests.concurrency import race as shared_race
from tests.factories.referrals import referral_world, send
from tests.referrals.conftest import advance

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_postgres(postgres_url):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised in the PostgreSQL pass (DATABASE_URL set)")


def race(calls):
    """Run the callables at the same instant, one thread each: ("ok", the new status) or
    ("refused", the refusal's code)."""
    return shared_race(
        calls,
        outcome=lambda referral: ("ok", referral.status),
        refused=(ApplicationError,),
        refusal=lambda exc: ("refused", exc.code),
    )


def test_accept_and_decline_racing_exactly_one_wins(on_postgres):
    world = referral_world()
    referral = send(world)
    user = world.recipient.user
    calls = []
    for i in range(16):
        if i % 2:
            calls.append(lambda: services.referral_accept(actor=user, referral_id=referral.pk))
        else:
            calls.append(
                lambda: services.referral_decline(
                    actor=user, referral_id=referral.pk, decline_reason="no_capacity"
                )
            )
    outcomes = race(calls)
    wins = [o for o in outcomes if o[0] == "ok"]
    assert len(wins) == 1, outcomes
    losers = {o for o in outcomes if o[0] == "refused"}
    # Losers find the status changed under the lock (409). After a decline won, the
    # recipient's access has ended: a loser that reads the referral after the decline
    # committed sees it no more (404) or sees only the stub and is told its access ended
    # (403 consent_required). After an accept won, access goes on: only 409.
    if wins[0][1] == "declined":
        allowed = {
            ("refused", "invalid_transition"),
            ("refused", "not_found"),
            ("refused", "consent_required"),
        }
    else:
        allowed = {("refused", "invalid_transition")}
    assert losers <= allowed, outcomes
    referral.refresh_from_db()
    assert referral.status == wins[0][1]
    assert ReferralEvent.objects.filter(referral=referral, from_status="sent").count() == 1


def test_cancel_racing_the_recipient_one_wins(on_postgres):
    world = referral_world()
    referral = advance(world, send(world), "accepted")
    calls = []
    for i in range(12):
        if i % 2:
            calls.append(lambda: services.referral_cancel(actor=world.referrer.user, referral_id=referral.pk))
        else:
            calls.append(
                lambda: services.referral_schedule(
                    actor=world.recipient.user,
                    referral_id=referral.pk,
                    appointment_at=datetime.datetime(2030, 12, 1, 10, tzinfo=datetime.UTC),
                )
            )
    outcomes = race(calls)
    wins = [o for o in outcomes if o[0] == "ok"]
    refused = [o for o in outcomes if o[0] == "refused"]
    referral.refresh_from_db()
    # Scheduling then cancelling is a legal sequence: at most one schedule and one cancel.
    assert 1 <= len(wins) <= 2
    assert len([w for w in wins if w[1] == "scheduled"]) <= 1
    assert len([w for w in wins if w[1] == "cancelled"]) <= 1
    assert all(code == "invalid_transition" for _, code in refused)
    assert ReferralEvent.objects.filter(referral=referral, to_status="cancelled").count() <= 1


def test_many_identical_transitions_only_one_is_recorded(on_postgres):
    world = referral_world()
    referral = advance(world, send(world), "accepted")
    calls = [
        (
            lambda: services.referral_schedule(
                actor=world.recipient.user,
                referral_id=referral.pk,
                appointment_at=datetime.datetime(2030, 12, 1, 10, tzinfo=datetime.UTC),
            )
        )
        for _ in range(20)
    ]
    outcomes = race(calls)
    assert [o for o in outcomes if o[0] == "ok"] == [("ok", "scheduled")]
    assert ReferralEvent.objects.filter(referral=referral, to_status="scheduled").count() == 1
    assert Referral.objects.get(pk=referral.pk).status == "scheduled"


def test_concurrent_sends_with_one_idempotency_key_create_one_referral(on_postgres):
    world = referral_world()
    fingerprint = services.request_fingerprint({"k": 1})
    calls = [
        (
            lambda: type(
                "R",
                (),
                {
                    "status": services.referral_send(
                        actor=world.referrer.user,
                        child_id=world.child.pk,
                        to_provider_id=world.recipient.pk,
                        reason="same",
                        idempotency_key="race-key",
                        fingerprint=fingerprint,
                    ).referral.pk
                },
            )
        )
        for _ in range(10)
    ]
    outcomes = race(calls)
    assert all(o[0] == "ok" for o in outcomes), outcomes
    assert len({o[1] for o in outcomes}) == 1
    assert Referral.objects.count() == 1
