"""Public verification (page and API: five fields and nothing else, unknown numbers 404,
throttled) and the FHIR R4 Practitioner and VerificationResult, validated."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.verificationresult import VerificationResult

from directory.models import Endorsement
from endorsement.fhir import CATEGORY_SYSTEM

pytestmark = pytest.mark.django_db


def test_anyone_verifies_a_credential_and_learns_only_five_things(demo, client):
    body = client.get("/api/v1/verify/MI-IMH-2041/").json()
    assert body == {
        "name": "Dr. Lucia Romero",
        "category": "infant_mental_health_specialist",
        "association": "Michigan Association for Infant Mental Health",
        "status": "verified",
        "valid_through": Endorsement.objects.get(credential_number="MI-IMH-2041").expires_on.isoformat(),
    }
    unknown = client.get("/api/v1/verify/MI-NOPE-0000/")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert client.get("/api/v1/verify/MI-IFS-3307/").json()["status"] == "expired"
    assert client.get("/api/v1/verify/MI-ECMH-0099/").json()["status"] == "revoked"
    assert client.get("/api/v1/verify/MI-IFA-7710/").status_code == 404, "an unverified claim is unknown"


def test_the_verify_page_answers_the_same(demo, client):
    page = client.get("/verify/?credential=MI-IMH-2041")
    assert page.status_code == 200 and "Dr. Lucia Romero" in page.content.decode()
    assert "verified" in page.content.decode()
    assert client.get("/verify/?credential=MI-NOPE").status_code == 404
    assert client.get("/verify/").status_code == 200


def test_guessing_credential_numbers_is_throttled(demo, client):
    answers = [client.get(f"/api/v1/verify/MI-GUESS-{n:04d}/").status_code for n in range(31)]
    assert answers[:30] == [404] * 30 and answers[30] == 429


def test_walking_verification_results_shares_the_verify_budget(demo, client):
    """/fhir/VerificationResult/{n} answers for sequential ids what /verify/ answers for a
    credential number: one budget (30/min per client address), not the API's 120/min."""
    first = Endorsement.objects.order_by("pk").first().pk
    answers = [client.get(f"/api/v1/verify/MI-GUESS-{n:04d}/").status_code for n in range(15)]
    answers += [client.get(f"/fhir/VerificationResult/{first + n}").status_code for n in range(15)]
    assert 429 not in answers
    walked = client.get(f"/fhir/VerificationResult/{first + 15}")
    assert walked.status_code == 429
    assert walked["Content-Type"].startswith("application/fhir+json")
    assert client.get("/api/v1/verify/MI-IMH-2041/").status_code == 429


def test_the_practitioner_carries_a_qualification_per_shown_endorsement(demo, client):
    imh = demo["providers"]["imh_clinician"]
    response = client.get(f"/fhir/Practitioner/{imh.pk}", HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/fhir+json")
    resource = Practitioner.model_validate(response.json())
    endorsements = [q for q in resource.qualification if q.code.coding[0].system == CATEGORY_SYSTEM]
    assert [q.identifier[0].value for q in endorsements] == ["MI-IMH-2041"]
    # Beside them, the demo clinician's current model credentials (CPP, Circle of Security).
    assert sorted(q.code.coding[0].code for q in resource.qualification if q not in endorsements) == [
        "cos",
        "cpp",
    ]
    lapsed = demo["providers"]["social_worker"]
    assert "qualification" not in client.get(f"/fhir/Practitioner/{lapsed.pk}").json()
    assert client.get("/fhir/Practitioner/999999").status_code == 404


def test_the_verification_result_validates_and_follows_the_status(demo, client):
    verified = Endorsement.objects.get(credential_number="MI-IMH-2041")
    resource = VerificationResult.model_validate(client.get(f"/fhir/VerificationResult/{verified.pk}").json())
    assert (
        resource.status == "validated"
        and resource.target[0].reference == f"Practitioner/{verified.provider_id}"
    )
    expired = Endorsement.objects.get(credential_number="MI-IFS-3307")
    assert client.get(f"/fhir/VerificationResult/{expired.pk}").json()["status"] == "req-revalid"
    pending = Endorsement.objects.get(credential_number="MI-IFA-7710")
    assert client.get(f"/fhir/VerificationResult/{pending.pk}").status_code == 404
