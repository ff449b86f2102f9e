"""Issue 8, finding 1: the referrer keeps full access after its own consent ends.

One gate for every role: once no active consent covers the referrer, the referral stays
in its lists as a stub (id, status, parties, dates; no child), the detail is the same
stub (no child, reason, notes, outcome or screenings), FHIR answers 404, the web page
says the consent ended, and the referrer can no longer act on it (403
``consent_required``). Revocation and expiry alike."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent, Outcome
from consent.services import consent_revoke
from referrals.models import Referral
from referrals.screening import validate_screening
from tests.factories.consent import ConsentFactory, scope
from tests.factories.directory import ProviderFactory
from tests.factories.families import ChildFactory, GuardianFactory

pytestmark = pytest.mark.django_db

OUTCOME_NOTE = "Mother started therapy; follow-up visit booked."
EPDS = {"instrument": "epds", "administered_on": "2026-11-01", "total": 14, "item_10": 2}


def client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def story():
    """An educator refers a child (with an EPDS showing a self-harm flag) to a clinician,
    who completes it with an outcome note; a second referral stays open."""
    from referrals import services

    guardian = GuardianFactory()
    child = ChildFactory(family=guardian.family, first_name="Mateo", last_name="Quispe")
    educator = ProviderFactory(discipline="early_childhood_educator")
    clinician = ProviderFactory(discipline="mental_health_clinician")
    everything = scope(
        ["referral", "care_coordination", "messaging"],
        ["demographics", "screening_results", "caregiver_screening", "case_notes"],
    )
    consents = {
        who: ConsentFactory(child=child, granted_by=guardian, recipient_provider=p, **everything)
        for who, p in (("educator", educator), ("clinician", clinician))
    }
    done = services.referral_send(
        actor=educator.user,
        child_id=child.pk,
        to_provider_id=clinician.pk,
        reason="Mother reports low mood; child not sleeping.",
        screenings=[validate_screening(EPDS)],
    ).referral
    services.referral_accept(actor=clinician.user, referral_id=done.pk)
    services.referral_complete(
        actor=clinician.user, referral_id=done.pk, outcome="connected", note=OUTCOME_NOTE
    )
    still_open = services.referral_send(
        actor=educator.user, child_id=child.pk, to_provider_id=clinician.pk, reason="Speech concerns."
    ).referral
    return {
        "guardian": guardian,
        "child": child,
        "educator": educator,
        "clinician": clinician,
        "consents": consents,
        "done": done,
        "open": still_open,
    }


def _leaks(text: str, story) -> list[str]:  # type: ignore[no-untyped-def]
    """What a stranger must not learn about the child from a response body."""
    return [
        secret
        for secret in ("Mateo", "Quispe", OUTCOME_NOTE, "self_harm_flag", "low mood", "Speech concerns")
        if secret in text
    ]


def test_while_covered_the_referrer_sees_the_child_and_the_outcome(story):
    educator = client_for(story["educator"].user)
    detail = educator.get(f"/api/v1/referrals/{story['done'].pk}/").json()
    assert detail["restricted"] is False
    assert detail["child"] == {"id": story["child"].pk, "name": "Mateo Quispe"}
    assert detail["outcome_note"] == OUTCOME_NOTE
    assert detail["screenings"][0]["result"]["self_harm_flag"] is True
    assert educator.get(f"/fhir/Task/{story['done'].pk}").status_code == 200


def test_after_revocation_the_referrer_sees_only_a_stub_everywhere(story, client):
    consent_revoke(
        actor=story["guardian"].user, consent_id=story["consents"]["educator"].pk, reason="We moved."
    )
    educator = client_for(story["educator"].user)
    done, still_open = story["done"], story["open"]

    detail = educator.get(f"/api/v1/referrals/{done.pk}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["restricted"] is True
    assert (body["id"], body["status"]) == (done.pk, "completed")
    assert body["child"] is None and body["case"] is None
    assert body["screenings"] == [] and body["outcome_note"] is None and body["reason"] is None
    assert body["actions"] == []
    assert all(event["note"] == "" for event in body["timeline"])
    assert _leaks(detail.content.decode(), story) == []

    listed = educator.get("/api/v1/referrals/?box=outbox")
    assert listed.status_code == 200
    rows = {row["id"]: row for row in listed.json()["results"]}
    assert set(rows) == {done.pk, still_open.pk}, "the referrals stay in the referrer's list"
    assert all(row["child"] is None and row["restricted"] for row in rows.values())
    assert _leaks(listed.content.decode(), story) == []

    for resource in ("ServiceRequest", "Task"):
        assert educator.get(f"/fhir/{resource}/{done.pk}").status_code == 404

    client.force_login(story["educator"].user)
    page = client.get(f"/referrals/{done.pk}/")
    assert page.status_code == 200
    assert "Access ended: the family's consent changed on" in page.content.decode()
    assert _leaks(page.content.decode(), story) == []
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200 and _leaks(dashboard.content.decode(), story) == []

    cancel = educator.post(f"/api/v1/referrals/{still_open.pk}/cancel/", {"reason": "x"}, format="json")
    assert (cancel.status_code, cancel.json()["code"]) == (403, "consent_required")
    assert Referral.objects.get(pk=still_open.pk).status == "sent"

    # The family sees the attempts in the access log, marked as refused.
    denied = AuditEvent.objects.filter(
        child_id=story["child"].pk, actor=story["educator"].user, outcome=Outcome.DENIED
    )
    assert denied.count() >= 3


def test_the_recipient_is_unaffected_by_the_referrers_revocation(story):
    consent_revoke(actor=story["guardian"].user, consent_id=story["consents"]["educator"].pk, reason="")
    clinician = client_for(story["clinician"].user)
    body = clinician.get(f"/api/v1/referrals/{story['done'].pk}/").json()
    assert body["restricted"] is False and body["child"]["name"] == "Mateo Quispe"


def test_a_referrer_whose_consent_expired_cannot_cancel(story):
    """The pediatrician's case from the report: an expired consent, then a cancel."""
    expiry_day = timezone.now().date() + datetime.timedelta(days=3)
    guardian, child = story["guardian"], story["child"]
    pediatrician = ProviderFactory(discipline="pediatrician")
    ConsentFactory(
        child=child,
        granted_by=guardian,
        recipient_provider=pediatrician,
        expires_on=expiry_day,
        **scope(["referral"], ["demographics"]),
    )
    from referrals.services import referral_send

    referral = referral_send(
        actor=pediatrician.user,
        child_id=child.pk,
        to_provider_id=story["clinician"].pk,
        reason="Feeding difficulties.",
    ).referral
    pediatrician_api = client_for(pediatrician.user)
    day_after = datetime.datetime.combine(
        expiry_day + datetime.timedelta(days=1), datetime.time(8), tzinfo=datetime.UTC
    )
    with time_machine.travel(day_after, tick=False):
        cancel = pediatrician_api.post(f"/api/v1/referrals/{referral.pk}/cancel/", {}, format="json")
        detail = pediatrician_api.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert (cancel.status_code, cancel.json()["code"]) == (403, "consent_required")
    assert Referral.objects.get(pk=referral.pk).status == "sent"
    assert detail["restricted"] is True and detail["child"] is None
    assert "Feeding" not in str(detail)


def test_an_idempotent_replay_after_revocation_returns_no_child(story):
    educator = client_for(story["educator"].user)
    body = {"child": story["child"].pk, "to_provider": story["clinician"].pk, "reason": "Replay me."}
    first = educator.post("/api/v1/referrals/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    consent_revoke(actor=story["guardian"].user, consent_id=story["consents"]["educator"].pk, reason="")
    replay = educator.post("/api/v1/referrals/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (replay.status_code, replay.json()["code"]) == (403, "consent_required")
    assert _leaks(replay.content.decode(), story) == []
