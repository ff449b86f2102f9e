"""Renewal and lapse: the renewal status per requirement, a curator approving a renewal
(the directory's expiry moves with it), an endorsement lapsing past its due date plus
grace (never shown as endorsed again), and reinstatement as a recorded curator action."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from directory.models import EndorsementReview
from endorsement.models import EndorsementTerm
from endorsement.services import term_reinstate, terms_lapse_overdue
from tests.endorsement.conftest import as_user, days_ago

pytestmark = pytest.mark.django_db


def test_the_renewal_status_shows_due_date_hours_per_rule_and_what_is_missing(demo):
    renewing = demo["users"]["renewing"]
    body = as_user(renewing).get("/api/v1/endorsement/renewal/").json()["results"][0]
    assert body["status"] == "current"
    assert body["due_on"] == (timezone.localdate() + datetime.timedelta(days=21)).isoformat()
    assert body["lapses_on"] == (timezone.localdate() + datetime.timedelta(days=51)).isoformat()
    by_rule = {r["rule"]: r for r in body["requirements"]}
    assert by_rule["training_hours"]["have"] == 8.0 and by_rule["training_hours"]["required"] == 15.0
    assert by_rule["rsc_hours"]["have"] == 7.0 and not by_rule["rsc_hours"]["met"]
    assert by_rule["rsc_provider_training_hours"]["required"] == 0.0, "they give no RSC"
    assert "training_hours: 7 more" in body["missing"]


def test_a_curator_approves_a_renewal_and_the_directory_keeps_the_endorsement_a_year_longer(demo, client):
    renewing = demo["users"]["renewing"]
    endorsement = demo["endorsement"]["renewal_endorsement"]
    me = as_user(renewing)
    me.post(
        "/api/v1/endorsement/training/",
        {"title": "DEI", "completed_on": days_ago(2), "hours": "7", "dei": True},
        format="json",
    )
    me.post(
        "/api/v1/endorsement/rsc/",
        {
            "consultant": demo["providers"]["imh_clinician"].pk,
            "started_on": days_ago(9),
            "ended_on": days_ago(1),
            "hours": "5",
        },
        format="json",
    )
    app = me.post(
        "/api/v1/endorsement/applications/",
        {"category": endorsement.category, "kind": "renewal"},
        format="json",
    ).json()
    me.post(f"/api/v1/endorsement/applications/{app['id']}/submit/", {"attest_ethics": True}, format="json")
    refused = as_user(demo["users"]["reviewer"]).post(
        f"/api/v1/endorsement/applications/{app['id']}/review/", {"decision": "approve"}, format="json"
    )
    assert refused.status_code == 404, "a renewal is the curators' business"
    decided = as_user(demo["users"]["curator"]).post(
        f"/api/v1/endorsement/applications/{app['id']}/review/", {"decision": "approve"}, format="json"
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    term = EndorsementTerm.objects.get(endorsement=endorsement)
    assert term.due_on == timezone.localdate() + datetime.timedelta(days=21 + 365)
    listing = client.get(f"/api/v1/providers/{endorsement.provider_id}/").json()
    assert listing["endorsements"][0]["expires_on"] == (term.due_on + datetime.timedelta(days=30)).isoformat()


def test_past_due_date_plus_grace_the_endorsement_lapses_and_a_curator_can_reinstate_it(demo, client):
    endorsement = demo["endorsement"]["renewal_endorsement"]
    provider_id = endorsement.provider_id
    # The clock moves on: the due date was 40 days ago, the 30-day grace ended 10 days ago.
    term = EndorsementTerm.objects.get(endorsement=endorsement)
    term.due_on = timezone.localdate() - datetime.timedelta(days=40)
    term.save()
    endorsement.expires_on = term.due_on + datetime.timedelta(days=30)
    endorsement.save()
    assert terms_lapse_overdue() == 1 and terms_lapse_overdue() == 0
    assert client.get(f"/api/v1/providers/{provider_id}/").json()["endorsements"] == []
    assert client.get("/api/v1/verify/MI-IFS-E000900/").json()["status"] == "expired"
    assert (
        as_user(demo["users"]["renewing"]).get("/api/v1/endorsement/renewal/").json()["results"][0]["status"]
        == "lapsed"
    )

    curator = demo["users"]["curator"]
    term_reinstate(
        actor=curator,
        endorsement_id=endorsement.pk,
        due_on=timezone.localdate() + datetime.timedelta(days=90),
        note="Paperwork lost in the mail; hours verified.",
    )
    assert (
        client.get(f"/api/v1/providers/{provider_id}/").json()["endorsements"][0]["category"]
        == endorsement.category
    )
    history = EndorsementReview.objects.filter(endorsement=endorsement).first()
    assert history.actor == curator and "Paperwork lost" in history.note
