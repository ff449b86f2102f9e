"""A guardian grants and revokes consents through the API; every misuse is refused with
a code, changes nothing, and is logged."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent, Outcome
from consent.models import Consent, ConsentEvent
from consent.texts import TEXT_VERSION
from families.models import Relationship
from tests.factories.base import PASSWORD
from tests.factories.directory import ProviderFactory
from tests.factories.families import ChildFactory, GuardianFactory

pytestmark = pytest.mark.django_db


def in_days(n: int) -> str:
    return (timezone.now().date() + datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def as_guardian(api_client, family):
    guardian, _ = family
    api_client.force_authenticate(guardian.user)
    return api_client


def body(child, provider, **overrides):
    data = {
        "child": child.pk,
        "recipient_provider": provider.pk,
        "purposes": ["referral", "care_coordination"],
        "data_categories": ["demographics", "screening_results"],
        "expires_on": in_days(90),
        "password": PASSWORD,
    }
    data.update(overrides)
    return data


def test_guardian_grants_a_consent_and_sees_what_was_signed(as_guardian, family, provider):
    _, child = family
    response = as_guardian.post(
        "/api/v1/consents/", body(child, provider, text_version=TEXT_VERSION), format="json"
    )
    assert response.status_code == 201, response.json()
    consent = response.json()
    assert consent["status"] == "active"
    assert consent["purposes"] == ["referral", "care_coordination"]
    assert consent["signature_method"] == "portal_esignature"
    assert consent["text_version"] == TEXT_VERSION
    for element in (
        "Who will receive it",
        "Your right to revoke",
        "Re-disclosure",
        "does not depend on signing",
    ):
        assert element.lower() in consent["signed_text"].lower()
    assert "FERPA" not in consent["signed_text"]
    assert [e["kind"] for e in consent["events"]] == ["granted"]
    listed = as_guardian.get(f"/api/v1/consents/?child={child.pk}").json()
    assert [c["id"] for c in listed["results"]] == [consent["id"]]


def test_an_educator_recipient_adds_the_ferpa_elements(as_guardian, family):
    _, child = family
    teacher = ProviderFactory(discipline="early_childhood_educator")
    response = as_guardian.post("/api/v1/consents/", body(child, teacher), format="json")
    assert response.status_code == 201
    assert "Education records (FERPA)" in response.json()["signed_text"]


@pytest.mark.parametrize(
    "overrides, status, code",
    [
        ({"recipient_provider": 999999}, 400, "unknown_recipient"),
        ({"expires_on": in_days(-1)}, 400, "invalid_expiry"),
        ({"expires_on": in_days(400)}, 400, "invalid_expiry"),
        ({"expires_on": "next tuesday"}, 400, "invalid_expiry"),
        ({"purposes": ["marketing"]}, 400, "unknown_purpose"),
        ({"data_categories": ["credit_history"]}, 400, "unknown_data_category"),
        ({"purposes": []}, 400, "purposes_required"),
        ({"password": "not-my-password"}, 400, "invalid_signature"),
        ({"status": "active"}, 400, "read_only_field"),
        ({"granted_by": 1}, 400, "read_only_field"),
        ({"signed_at": "2020-01-01T00:00:00Z"}, 400, "read_only_field"),
        ({"text_version": "old-version"}, 409, "text_version_changed"),
    ],
)
def test_bad_consents_are_refused_change_nothing_and_are_logged(
    as_guardian, family, provider, overrides, status, code
):
    _, child = family
    response = as_guardian.post("/api/v1/consents/", body(child, provider, **overrides), format="json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not Consent.objects.exists()
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED, detail__contains=code).exists()


def test_another_familys_child_is_not_found(as_guardian, provider):
    stranger_child = ChildFactory()
    response = as_guardian.post("/api/v1/consents/", body(stranger_child, provider), format="json")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert not Consent.objects.exists()
    denied = AuditEvent.objects.get(outcome=Outcome.DENIED)
    assert denied.child_id == stranger_child.pk, "the other family sees the attempt in its log"


def test_a_provider_cannot_use_the_guardian_api(api_client, family, provider, grant):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    api_client.force_authenticate(provider.user)
    created = api_client.post("/api/v1/consents/", body(child, provider), format="json")
    assert (created.status_code, created.json()["code"]) == (403, "guardian_only")
    revoked = api_client.post(f"/api/v1/consents/{consent.pk}/revoke/", {"reason": "x"}, format="json")
    assert (revoked.status_code, revoked.json()["code"]) == (403, "guardian_only")
    consent.refresh_from_db()
    assert consent.revoked_at is None and Consent.objects.count() == 1
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED, actor=provider.user).count() == 2


def test_a_guardian_without_legal_authority_cannot_consent(api_client, family, provider):
    guardian, child = family
    other = GuardianFactory(family=guardian.family, relationship=Relationship.GRANDPARENT)
    api_client.force_authenticate(other.user)
    response = api_client.post("/api/v1/consents/", body(child, provider), format="json")
    assert (response.status_code, response.json()["code"]) == (403, "no_legal_authority")


def test_revoking_via_the_api_then_again(as_guardian, family, provider, grant):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    first = as_guardian.post(
        f"/api/v1/consents/{consent.pk}/revoke/", {"reason": "no longer needed"}, format="json"
    )
    assert first.status_code == 200
    assert first.json()["status"] == "revoked"
    assert first.json()["revoke_reason"] == "no longer needed"
    again = as_guardian.post(f"/api/v1/consents/{consent.pk}/revoke/", {}, format="json")
    assert (again.status_code, again.json()["code"]) == (400, "already_revoked")
    assert ConsentEvent.objects.filter(consent=consent).count() == 2


def test_revoking_another_familys_consent_is_not_found(api_client, family, provider, grant):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    stranger = GuardianFactory()
    api_client.force_authenticate(stranger.user)
    response = api_client.post(f"/api/v1/consents/{consent.pk}/revoke/", {}, format="json")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_the_covered_provider_lists_the_consent_until_it_is_revoked(api_client, family, provider, grant):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    api_client.force_authenticate(provider.user)
    assert [c["id"] for c in api_client.get("/api/v1/consents/").json()["results"]] == [consent.pk]
    assert [c["id"] for c in api_client.get("/api/v1/children/").json()["results"]] == [child.pk]
    from consent.services import consent_revoke

    consent_revoke(actor=guardian.user, consent_id=consent.pk, reason="")
    assert api_client.get("/api/v1/consents/").json()["results"] == []
    assert api_client.get("/api/v1/children/").json()["results"] == []
    assert api_client.get(f"/api/v1/children/{child.pk}/").status_code == 404


def test_bad_child_filter_names_the_parameter(as_guardian):
    response = as_guardian.get("/api/v1/consents/?child=abc")
    assert response.status_code == 400
    assert response.json()["parameter"] == "child"


def test_list_endpoints_cost_a_constant_number_of_queries(
    api_client, family, grant, django_assert_max_num_queries
):
    guardian, _ = family
    providers = [ProviderFactory() for _ in range(3)]
    for _ in range(6):
        child = ChildFactory(family=guardian.family)
        for provider in providers:
            grant(guardian, child, provider=provider)
    api_client.force_authenticate(guardian.user)
    with django_assert_max_num_queries(12):
        response = api_client.get("/api/v1/consents/?page_size=100")
    assert response.json()["count"] == 18
    with django_assert_max_num_queries(10):
        response = api_client.get("/api/v1/children/")
    assert response.json()["count"] == 7
    api_client.force_authenticate(providers[0].user)
    with django_assert_max_num_queries(12):
        response = api_client.get("/api/v1/children/")
    assert response.json()["count"] == 6
    with django_assert_max_num_queries(12):
        assert api_client.get("/api/v1/consents/").json()["count"] == 6


def test_out_of_range_ids_are_plain_not_founds(as_guardian, family, provider):
    _, child = family
    huge = 2**70
    assert as_guardian.get(f"/api/v1/consents/?child={huge}").json()["parameter"] == "child"
    assert as_guardian.get(f"/api/v1/children/{huge}/").status_code == 404
    response = as_guardian.post("/api/v1/consents/", {**body(child, provider), "child": huge}, format="json")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    response = as_guardian.post(
        "/api/v1/consents/", body(child, provider, recipient_provider=huge), format="json"
    )
    assert response.json()["code"] == "unknown_recipient"
    assert as_guardian.post(f"/api/v1/consents/{huge}/revoke/", {}, format="json").status_code == 404


def test_a_provider_records_a_paper_consent_from_a_family_they_invited(api_client):
    from families.services import invitation_create

    provider = ProviderFactory()
    invitation, _ = invitation_create(
        actor=provider.user,
        family_name="",
        guardian_email="paper@example.test",
        child_first_name="Noa",
        child_last_name="Lind",
        child_date_of_birth=datetime.date(2025, 5, 5),
    )
    guardian = GuardianFactory(family=invitation.family)
    api_client.force_authenticate(provider.user)
    paper = {
        "child": invitation.child_id,
        "guardian": guardian.pk,
        "signature_method": "provider_attested_paper",
        "purposes": ["referral"],
        "data_categories": ["demographics"],
        "expires_on": in_days(30),
    }
    missing = api_client.post("/api/v1/consents/attested/", paper, format="json")
    assert (missing.status_code, missing.json()["code"]) == (400, "form_reference_required")
    created = api_client.post(
        "/api/v1/consents/attested/", {**paper, "paper_form_reference": "SCAN-0042"}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["signature_method"] == "provider_attested_paper"
    assert created.json()["paper_form_reference"] == "SCAN-0042"
    other_child = ChildFactory()
    refused = api_client.post(
        "/api/v1/consents/attested/",
        {**paper, "child": other_child.pk, "paper_form_reference": "x"},
        format="json",
    )
    assert refused.status_code == 404
    assert Consent.objects.count() == 1
