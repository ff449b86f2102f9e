"""GET /fhir/Consent/{id}: an R4 Consent that validates with fhir.resources, for the
guardian and the providers it covers now; 404 for everyone else."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.consent import Consent as FhirConsent

from consent.services import consent_revoke
from tests.factories.directory import ProviderFactory
from tests.factories.families import ChildFactory, GuardianFactory

pytestmark = pytest.mark.django_db


def test_the_guardian_reads_a_valid_fhir_consent(client, family, provider, grant):
    guardian, child = family
    consent = grant(
        guardian, child, provider=provider, purposes=["referral"], data_categories=["demographics"]
    )
    client.force_login(guardian.user)
    response = client.get(f"/fhir/Consent/{consent.pk}", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    resource = FhirConsent.model_validate(response.json())
    assert resource.status == "active"
    assert resource.patient.reference == f"Patient/{child.pk}"
    assert resource.provision.period.end is not None
    assert resource.provision.actor[0].reference.reference == f"Practitioner/{provider.pk}"
    assert [c.code for c in resource.provision.class_fhir] == ["demographics"]
    assert resource.scope.coding[0].code == "patient-privacy"


def test_a_revoked_consent_is_inactive_and_no_longer_readable_by_its_provider(
    client, family, provider, grant
):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    client.force_login(provider.user)
    assert client.get(f"/fhir/Consent/{consent.pk}").status_code == 200
    consent_revoke(actor=guardian.user, consent_id=consent.pk, reason="")
    assert client.get(f"/fhir/Consent/{consent.pk}").status_code == 404
    client.force_login(guardian.user)
    resource = FhirConsent.model_validate(client.get(f"/fhir/Consent/{consent.pk}").json())
    assert resource.status == "inactive"


def test_strangers_get_404(client, family, provider, grant):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    for stranger in (ProviderFactory().user, GuardianFactory().user):
        client.force_login(stranger)
        response = client.get(f"/fhir/Consent/{consent.pk}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert client.get("/fhir/Consent/999999").status_code == 404


# --- the grantor and the basis (issue 26) ------------------------------------------------

ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"


def _grantor(resource: FhirConsent):
    """The RelatedPerson the performer (the grantor, R5's ``Consent.grantor``) points at."""
    (performer,) = resource.performer
    assert performer.reference.startswith("#")
    (person,) = [c for c in resource.contained if c.id == performer.reference[1:]]
    assert person.get_resource_type() == "RelatedPerson"
    return person


def _codes(person) -> set[tuple[str, str]]:
    return {(coding.system, coding.code) for concept in person.relationship for coding in concept.coding}


def test_the_grantor_is_a_related_person_with_her_relationship_and_basis(client, provider, grant):
    from families.models import Relationship

    mother = GuardianFactory(relationship=Relationship.MOTHER, phone="313-555-0101")
    child = ChildFactory(family=mother.family)
    consent = grant(mother, child, provider=provider)
    client.force_login(mother.user)
    body = client.get(f"/fhir/Consent/{consent.pk}").json()
    resource = FhirConsent.model_validate(body)
    person = _grantor(resource)
    assert person.patient.reference == f"Patient/{child.pk}"
    assert (ROLE_CODE, "MTH") in _codes(person)
    assert ("https://referral-hub.example.org/fhir/CodeSystem/authority-basis", "parent") in _codes(person)
    assert person.name[0].text == str(mother)
    assert resource.verification[0].verifiedWith.reference == resource.performer[0].reference
    # Contact details never leave in the export (an address_confidential parent's least of all).
    assert "313-555-0101" not in str(body) and mother.user.email not in str(body)
    assert "telecom" not in body["contained"][0] and "address" not in body["contained"][0]


def test_a_legal_guardians_consent_carries_her_order_and_its_period(client, provider, grant):
    import datetime

    from django.utils import timezone

    from families.models import AuthorityBasis, Relationship
    from tests.factories.families import AuthorityFactory

    child = ChildFactory()
    ends = timezone.now() + datetime.timedelta(days=200)
    gloria = AuthorityFactory(
        child=child,
        holder__relationship=Relationship.LEGAL_GUARDIAN,
        basis=AuthorityBasis.LEGAL_GUARDIAN,
        order_number="24-JV-118",
        ends_at=ends,
    ).holder
    consent = grant(gloria, child, provider=provider)
    client.force_login(gloria.user)
    resource = FhirConsent.model_validate(client.get(f"/fhir/Consent/{consent.pk}").json())
    person = _grantor(resource)
    assert (ROLE_CODE, "GUARD") in _codes(person)
    assert ("https://referral-hub.example.org/fhir/CodeSystem/authority-basis", "legal_guardian") in _codes(
        person
    )
    (order,) = [e for e in person.extension if e.url.endswith("/authority-order")]
    assert order.valueIdentifier.value == "24-JV-118"
    assert person.period.end is not None and person.period.start is not None


def test_a_delegated_foster_parent_is_a_foster_parent_with_the_delegation(client, provider, grant):
    from families.models import AuthorityBasis, Relationship
    from tests.factories.families import AuthorityFactory

    child = ChildFactory()
    dana = AuthorityFactory(
        child=child,
        holder__relationship=Relationship.FOSTER_PARENT,
        basis=AuthorityBasis.DELEGATED,
        purposes=["referral"],
        order_number="",
    ).holder
    consent = grant(dana, child, provider=provider, purposes=["referral"])
    client.force_login(dana.user)
    resource = FhirConsent.model_validate(client.get(f"/fhir/Consent/{consent.pk}").json())
    person = _grantor(resource)
    assert (ROLE_CODE, "PRNFOST") in _codes(person)
    assert ("https://referral-hub.example.org/fhir/CodeSystem/authority-basis", "delegated") in _codes(person)
    assert not [e for e in person.extension or [] if e.url.endswith("/authority-order")]
