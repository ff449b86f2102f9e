"""A consent as a FHIR R4 Consent resource (validated in tests with fhir.resources'
R4B models, which share R4's Consent shape)."""

from __future__ import annotations

from typing import Any

from consent.models import Consent, ConsentStatus
from consent.texts import recipient_is_educator
from referral_hub.sitelinks import site_url

CODE_SYSTEM = "https://referral-hub.example.org/fhir/CodeSystem"
# v3 ActReason codes closest to each purpose; our own code rides along.
ACT_REASON = {"referral": "TREAT", "care_coordination": "CAREMGT", "messaging": "TREAT"}


def _recipient(consent: Consent) -> dict[str, Any]:
    """A consent names exactly one recipient: a provider or an organization."""
    if consent.recipient_provider is not None:
        return {
            "reference": f"Practitioner/{consent.recipient_provider_id}",
            "display": consent.recipient_provider.name,
        }
    organization = consent.recipient_organization
    return {
        "reference": f"Organization/{consent.recipient_organization_id}",
        "display": organization.name if organization is not None else "",
    }


def consent_resource(consent: Consent) -> dict[str, Any]:
    recipient = _recipient(consent)
    policies = [
        {
            "authority": "https://www.hhs.gov/hipaa",
            "uri": "https://www.ecfr.gov/current/title-45/section-164.508",
        }
    ]
    if recipient_is_educator(
        provider=consent.recipient_provider, organization=consent.recipient_organization
    ):
        policies.append(
            {
                "authority": "https://studentprivacy.ed.gov",
                "uri": "https://www.ecfr.gov/current/title-34/section-99.30",
            }
        )
    status = "active" if consent.status == ConsentStatus.ACTIVE else "inactive"
    period: dict[str, str] = {"start": consent.valid_from.isoformat(), "end": consent.expires_on.isoformat()}
    if consent.revoked_at is not None and consent.revoked_at.date() <= consent.expires_on:
        period["end"] = consent.revoked_at.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": str(consent.pk),
        "meta": {"source": site_url()},
        "status": status,
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "patient-privacy",
                    "display": "Privacy Consent",
                }
            ]
        },
        "category": [
            {"coding": [{"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}]},
        ],
        "patient": {"reference": f"Patient/{consent.child_id}", "display": consent.child.name},
        "dateTime": consent.signed_at.isoformat(),
        "performer": [
            {"reference": f"RelatedPerson/{consent.granted_by_id}", "display": str(consent.granted_by)}
        ],
        "policy": policies,
        "policyRule": {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/consentpolicycodes", "code": "hipaa-auth"}
            ]
        },
        "verification": [
            {
                "verified": True,
                "verifiedWith": {"reference": f"RelatedPerson/{consent.granted_by_id}"},
                "verificationDate": consent.signed_at.isoformat(),
            }
        ],
        "provision": {
            "type": "permit",
            "period": period,
            "actor": [
                {
                    "role": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                "code": "IRCP",
                                "display": "information recipient",
                            }
                        ]
                    },
                    "reference": recipient,
                }
            ],
            "purpose": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
                    "code": ACT_REASON[p],
                    "display": p,
                }
                for p in consent.purposes
            ],
            "class": [{"system": f"{CODE_SYSTEM}/data-category", "code": c} for c in consent.data_categories],
        },
    }
    if consent.attested_by_id and consent.paper_form_reference:
        resource["sourceReference"] = {"display": f"Paper form {consent.paper_form_reference}"}
    return resource
