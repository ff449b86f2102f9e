"""Training and RSC logs: hours are > 0 and at most 24 a day, dates not in the future,
and an RSC consultant must hold a verified endorsement the rules allow to give RSC."""

from __future__ import annotations

import pytest

from tests.endorsement.conftest import as_user, days_ago
from tests.factories.base import UserFactory
from tests.factories.directory import EndorsementFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def training(client, **overrides):
    body = {
        "title": "Attachment",
        "completed_on": days_ago(3),
        "hours": "2.5",
        "domains": ["thinking"],
        **overrides,
    }
    return client.post("/api/v1/endorsement/training/", body, format="json")


def test_a_provider_logs_training_and_sees_it_listed(applicant):
    me = as_user(applicant.user)
    assert training(me, dei=True).status_code == 201
    listed = me.get("/api/v1/endorsement/training/").json()
    assert (
        listed["count"] == 1
        and listed["results"][0]["hours"] == "2.50"
        and listed["results"][0]["dei"] is True
    )


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"hours": "0"}, "hours"),
        ({"hours": "24.5"}, "hours"),
        ({"completed_on": days_ago(-1)}, "completed_on"),
        ({"domains": ["astrology"]}, "domains"),
    ],
)
def test_impossible_training_is_refused(applicant, overrides, field):
    response = training(as_user(applicant.user), **overrides)
    assert response.status_code == 400 and field in response.json()["detail"]


def test_a_day_holds_at_most_24_training_hours(applicant):
    me = as_user(applicant.user)
    assert training(me, hours="20").status_code == 201
    over = training(me, hours="4.5")
    assert over.status_code == 400 and over.json()["code"] == "too_many_hours"


def rsc(client, consultant_id, **overrides):
    body = {
        "consultant": consultant_id,
        "started_on": days_ago(30),
        "ended_on": days_ago(1),
        "hours": "6",
        **overrides,
    }
    return client.post("/api/v1/endorsement/rsc/", body, format="json")


def test_rsc_with_an_eligible_consultant_is_logged(applicant, consultant):
    me = as_user(applicant.user)
    assert rsc(me, consultant.pk).status_code == 201
    assert me.get("/api/v1/endorsement/rsc/").json()["results"][0]["consultant"]["name"] == consultant.name


def test_rsc_consultants_must_hold_an_eligible_verified_endorsement(applicant):
    me = as_user(applicant.user)
    associate = EndorsementFactory(category="infant_family_associate").provider
    lapsed = EndorsementFactory(expires_on="2020-01-01", issued_on="2018-01-01").provider
    nobody = ProviderFactory()
    for who in (associate, lapsed, nobody, applicant):
        response = rsc(me, who.pk)
        assert response.status_code == 400 and response.json()["code"] == "consultant_not_eligible"


@pytest.mark.parametrize(
    "overrides",
    [
        {"hours": "0"},
        {"ended_on": days_ago(-2)},
        {"started_on": days_ago(1), "ended_on": days_ago(2)},
        {"started_on": days_ago(1), "ended_on": days_ago(1), "hours": "25"},
    ],
)
def test_impossible_rsc_is_refused(applicant, consultant, overrides):
    assert rsc(as_user(applicant.user), consultant.pk, **overrides).status_code == 400


def test_only_providers_keep_logs(client):
    guardianish = UserFactory()
    response = as_user(guardianish).get("/api/v1/endorsement/training/")
    assert response.status_code == 403 and response.json()["code"] == "not_a_provider"
    assert client.get("/api/v1/endorsement/rsc/").status_code in (401, 403)
