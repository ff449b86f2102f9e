"""GET /fhir/Consent/{id}: an R4 Consent that validates with fhir.resources, for the
guardian and the providers it covers now; 404 for everyone else."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.consent import Consent as FhirConsent

from consent.services import consent_revoke
from tests.factories.directory import ProviderFactory
from tests.factories.families import GuardianFactory

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
