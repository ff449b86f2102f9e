"""From an empty portfolio to an endorsement the directory shows: logs, an application
under the association's rules, references answering through their links, two reviewers
approving; and the ways it can go otherwise (deferral, ineligible reviewers, races)."""

from __future__ import annotations

import pytest
from django.core import mail

from endorsement.models import Application, Reference
from tests.endorsement.conftest import (
    RATINGS,
    as_user,
    log_enough_for_family_specialist,
    reference_links,
    requirement,
)
from tests.factories.directory import ProviderFactory

pytestmark = pytest.mark.django_db


def open_application(client, category="infant_family_specialist"):
    response = client.post("/api/v1/endorsement/applications/", {"category": category}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def ask_three_references(client, app_id, django_capture_on_commit_callbacks, waiver=False):
    for i in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/api/v1/endorsement/applications/{app_id}/references/",
                {"name": f"Reference {i}", "email": f"ref{i}@example.test", "waiver": waiver},
                format="json",
            )
        assert response.status_code == 201


def test_a_provider_goes_from_empty_portfolio_to_a_verified_endorsement(
    applicant, consultant, reviewers, curator, client, django_capture_on_commit_callbacks
):
    me = as_user(applicant.user)
    log_enough_for_family_specialist(me, consultant.pk)
    app = open_application(me)
    assert app["status"] == "draft" and app["rule_set_version"] == 1
    assert requirement(app, "training_hours") == {
        **requirement(app, "training_hours"),
        "have": 30.0,
        "met": True,
    }
    assert requirement(app, "rsc_hours")["have"] == 24.0 and requirement(app, "references")["met"] is False

    submitted = me.post(
        f"/api/v1/endorsement/applications/{app['id']}/submit/", {"attest_ethics": True}, format="json"
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"

    ask_three_references(me, app["id"], django_capture_on_commit_callbacks)
    links = reference_links()
    assert len(links) == 3 and all(
        "Avery Applicant" in m.body for m in mail.outbox if "/references/" in m.body
    )
    for link in links:
        assert client.get(link).status_code == 200
        assert client.post(link, RATINGS, content_type="application/json").status_code == 200
        again = client.post(link, RATINGS, content_type="application/json")
        assert again.status_code == 410 and again.json()["code"] == "reference_link_used"

    detail = me.get(f"/api/v1/endorsement/applications/{app['id']}/").json()
    assert (
        all(r["answered"] for r in detail["references"])
        and detail["references"][0]["ratings"]["reflection"] == 5
    )
    assert all(r["met"] for r in detail["requirements"]), detail["missing"]

    office = as_user(curator)
    refused = office.post(
        f"/api/v1/endorsement/applications/{app['id']}/assign/",
        {"reviewers": [reviewers[0].pk, consultant.user.pk]},
        format="json",
    )
    assert refused.status_code == 400 and refused.json()["code"] == "reviewer_not_eligible"
    assigned = office.post(
        f"/api/v1/endorsement/applications/{app['id']}/assign/",
        {"reviewers": [r.pk for r in reviewers]},
        format="json",
    )
    assert assigned.status_code == 200 and assigned.json()["status"] == "in_review"

    first = as_user(reviewers[0]).post(
        f"/api/v1/endorsement/applications/{app['id']}/review/", {"decision": "approve"}, format="json"
    )
    assert first.json()["status"] == "in_review"
    assert client.get(f"/api/v1/providers/{applicant.pk}/").json()["endorsements"] == []
    second = as_user(reviewers[1]).post(
        f"/api/v1/endorsement/applications/{app['id']}/review/", {"decision": "approve"}, format="json"
    )
    body = second.json()
    assert body["status"] == "approved" and body["endorsement"]["credential_number"].startswith("MI-IFS-")

    listing = client.get(f"/api/v1/providers/{applicant.pk}/").json()
    assert [e["category"] for e in listing["endorsements"]] == ["infant_family_specialist"]
    verified = client.get(f"/api/v1/verify/{body['endorsement']['credential_number']}/").json()
    assert verified["status"] == "verified" and verified["name"] == "Avery Applicant"
    assert [e["to_status"] for e in body["timeline"] if e["to_status"] != e["from_status"]] == [
        "draft",
        "submitted",
        "in_review",
        "approved",
    ]


@pytest.fixture
def in_review(applicant, consultant, reviewers, curator, client, django_capture_on_commit_callbacks):
    me = as_user(applicant.user)
    log_enough_for_family_specialist(me, consultant.pk)
    app = open_application(me)
    me.post(f"/api/v1/endorsement/applications/{app['id']}/submit/", {"attest_ethics": True}, format="json")
    ask_three_references(me, app["id"], django_capture_on_commit_callbacks, waiver=True)
    for link in reference_links():
        client.post(link, RATINGS, content_type="application/json")
    as_user(curator).post(
        f"/api/v1/endorsement/applications/{app['id']}/assign/",
        {"reviewers": [r.pk for r in reviewers]},
        format="json",
    )
    return app["id"]


def test_a_deferral_needs_feedback_the_applicant_sees_without_the_reviewers_name(
    in_review, applicant, reviewers
):
    url = f"/api/v1/endorsement/applications/{in_review}/review/"
    no_feedback = as_user(reviewers[0]).post(url, {"decision": "defer"}, format="json")
    assert no_feedback.status_code == 400 and no_feedback.json()["code"] == "feedback_required"
    as_user(reviewers[0]).post(
        url, {"decision": "defer", "feedback": "Add a reflective case study."}, format="json"
    )
    resolved = as_user(reviewers[1]).post(url, {"decision": "approve"}, format="json").json()
    assert resolved["status"] == "deferred"

    mine = as_user(applicant.user).get(f"/api/v1/endorsement/applications/{in_review}/").json()
    assert {r["feedback"] for r in mine["reviews"]} == {"Add a reflective case study.", ""}
    assert all(r["reviewer"] is None for r in mine["reviews"])
    assert all(r["ratings"] is None for r in mine["references"]), (
        "waived ratings stay hidden from the applicant"
    )

    again = as_user(applicant.user).post(
        f"/api/v1/endorsement/applications/{in_review}/submit/", {"attest_ethics": True}, format="json"
    )
    assert again.json()["status"] == "submitted"


def test_a_reviewer_decides_once_and_outsiders_cannot_decide(in_review, reviewers, applicant):
    url = f"/api/v1/endorsement/applications/{in_review}/review/"
    assert as_user(reviewers[0]).post(url, {"decision": "hold"}, format="json").status_code == 200
    twice = as_user(reviewers[0]).post(url, {"decision": "approve"}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "invalid_transition"
    stranger = ProviderFactory().user
    assert as_user(stranger).post(url, {"decision": "approve"}, format="json").status_code == 404
    assert as_user(applicant.user).post(url, {"decision": "approve"}, format="json").status_code == 403
    assert (
        as_user(reviewers[1]).post(url, {"decision": "approve"}, format="json").json()["status"] == "on_hold"
    )


def test_a_transition_from_the_wrong_state_is_refused_and_changes_nothing(applicant, consultant):
    me = as_user(applicant.user)
    app = open_application(me)
    assert (
        me.post(
            f"/api/v1/endorsement/applications/{app['id']}/submit/", {"attest_ethics": False}, format="json"
        ).json()["code"]
        == "attestation_required"
    )
    me.post(f"/api/v1/endorsement/applications/{app['id']}/submit/", {"attest_ethics": True}, format="json")
    twice = me.post(
        f"/api/v1/endorsement/applications/{app['id']}/submit/", {"attest_ethics": True}, format="json"
    )
    assert twice.status_code == 409 and twice.json()["code"] == "invalid_transition"
    assert Application.objects.get(pk=app["id"]).events.filter(to_status="submitted").count() == 1
    duplicate = me.post(
        "/api/v1/endorsement/applications/", {"category": "infant_family_specialist"}, format="json"
    )
    assert duplicate.status_code == 409


def test_approval_is_refused_while_requirements_are_missing(applicant, consultant, reviewers, curator):
    me = as_user(applicant.user)
    app = open_application(me)
    me.post(f"/api/v1/endorsement/applications/{app['id']}/submit/", {"attest_ethics": True}, format="json")
    as_user(curator).post(
        f"/api/v1/endorsement/applications/{app['id']}/assign/",
        {"reviewers": [r.pk for r in reviewers]},
        format="json",
    )
    refused = as_user(reviewers[0]).post(
        f"/api/v1/endorsement/applications/{app['id']}/review/", {"decision": "approve"}, format="json"
    )
    assert refused.status_code == 409 and refused.json()["code"] == "requirements_not_met"
    assert "training_hours: 30 more" in refused.json()["missing"]


def test_an_unknown_or_expired_reference_link_is_refused(client, in_review):
    assert client.get("/references/not-a-real-token/").status_code == 404
    link = reference_links()[0]
    Reference.objects.update(answered_at=None, expires_at="2000-01-01T00:00:00Z")
    expired = client.post(link, RATINGS, content_type="application/json")
    assert expired.status_code == 410 and expired.json()["code"] == "reference_link_expired"
    assert "expired" in client.get(link).content.decode()
