"""Concurrent conflicting actions on PostgreSQL: two reviewers deciding at the same
instant resolve the application once (one directory endorsement); an applicant's
racing submit/withdraw clicks leave exactly one winner; a reference link answered twice
at once is used once."""

from __future__ import annotations

import pytest
from django.db import connection

from directory.models import Endorsement
from endorsement import services
from endorsement.models import Application, ApplicationEvent, Reference
from referral_hub.errors import ApplicationError
from tests.concurrency import race as shared_race
from tests.endorsement.conftest import RATINGS, as_user, log_enough_for_family_specialist

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_postgres(postgres_url):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised in the PostgreSQL pass (DATABASE_URL set)")


def race(calls):
    """Run the callables at the same instant, one thread each: "ok" or the refusal's code."""
    return shared_race(
        calls, outcome=lambda _: "ok", refused=(ApplicationError,), refusal=lambda exc: exc.code
    )


@pytest.fixture
def ready_for_review(applicant, consultant, reviewers, curator, django_capture_on_commit_callbacks):
    me = as_user(applicant.user)
    log_enough_for_family_specialist(me, consultant.pk)
    app = services.application_create(actor=applicant.user, category="infant_family_specialist")
    for i in range(3):
        services.reference_request(
            actor=applicant.user, application_id=app.pk, name=f"R{i}", email=f"r{i}@example.test"
        )
    Reference.objects.update(answered_at="2026-01-01T00:00:00Z", ratings={"reflection": 5})
    services.application_submit(actor=applicant.user, application_id=app.pk, attest_ethics=True)
    services.application_assign(actor=curator, application_id=app.pk, reviewer_ids=[r.pk for r in reviewers])
    return app


def test_two_reviewers_approving_at_once_grant_one_endorsement(
    on_postgres, ready_for_review, reviewers, applicant
):
    app = ready_for_review
    outcomes = race(
        [
            lambda r=r: services.application_review(actor=r, application_id=app.pk, decision="approve")
            for r in reviewers
        ]
    )
    assert outcomes == ["ok", "ok"]
    assert Application.objects.get(pk=app.pk).status == "approved"
    assert Endorsement.objects.filter(provider=applicant, category="infant_family_specialist").count() == 1
    assert ApplicationEvent.objects.filter(application_id=app.pk, to_status="approved").count() == 1


def test_racing_submit_and_withdraw_leave_one_winner(on_postgres, applicant):
    app = services.application_create(actor=applicant.user, category="infant_family_associate")
    calls = []
    for i in range(8):
        if i % 2:
            calls.append(lambda: services.application_withdraw(actor=applicant.user, application_id=app.pk))
        else:
            calls.append(
                lambda: services.application_submit(
                    actor=applicant.user, application_id=app.pk, attest_ethics=True
                )
            )
    outcomes = race(calls)
    # submit -> withdraw is a legal sequence; withdraw -> anything is not.
    final = Application.objects.get(pk=app.pk).status
    changes = ApplicationEvent.objects.filter(application_id=app.pk).exclude(from_status="").count()
    assert outcomes.count("ok") == changes and set(outcomes) <= {"ok", "invalid_transition"}
    assert final == "withdrawn" or (final == "submitted" and changes == 1)
    assert ApplicationEvent.objects.filter(application_id=app.pk, to_status="submitted").count() <= 1


def test_a_reference_link_answered_twice_at_once_counts_once(
    on_postgres, ready_for_review, django_capture_on_commit_callbacks
):
    app = ready_for_review
    token = "race-token"
    Reference.objects.create(
        application_id=app.pk,
        name="Twice",
        email="t@example.test",
        token_hash=services.token_hash(token),
        expires_at="2099-01-01T00:00:00Z",
    )
    outcomes = race([lambda: services.reference_answer(token=token, **RATINGS) for _ in range(6)])
    assert outcomes.count("ok") == 1 and set(outcomes) == {"ok", "reference_link_used"}
