"""A consent as a FHIR R4 Consent resource (validated in tests with fhir.resources'
R4B models, which share R4's Consent shape).

The grantor (R4 ``Consent.performer``, R5 ``Consent.grantor``: "who is agreeing to the
policy") is a ``RelatedPerson`` of the child, contained in the resource (this server
serves no RelatedPerson endpoint, and no account id leaves): its ``relationship``
carries the HL7 v3 RoleCode of the person's relationship to the child (MTH, FTH, PRN,
GRPRN, PRNFOST, GUARD) and the basis of their authority (our ``authority-basis`` code:
parent, legal_guardian, agency_custody, minor_parent, delegated); its ``period`` is the
authority's; the court order or delegation it rests on rides in an extension
(``authority-order``, an Identifier), since R4 has no element for a representative's
legal basis. Its name only: never a phone, e-mail or address (an
``address_confidential`` person's contact details reach nobody).
"""

from __future__ import annotations

from typing import Any

from consent.models import Consent, ConsentStatus
from consent.texts import recipient_is_educator
from families.models import Relationship
from referral_hub.sitelinks import site_url

CODE_SYSTEM = "https://referral-hub.example.org/fhir/CodeSystem"
# v3 ActReason codes closest to each purpose; our own code rides along.
ACT_REASON = {"referral": "TREAT", "care_coordination": "CAREMGT", "messaging": "TREAT"}
STRUCTURE = "https://referral-hub.example.org/fhir/StructureDefinition"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
# The grantor's relationship to the child as an HL7 v3 RoleCode (a caseworker and an
# "other caregiver" have none: their basis code says why they may consent).
RELATIONSHIP_ROLES: dict[str, tuple[str, str]] = {
    Relationship.MOTHER: ("MTH", "mother"),
    Relationship.FATHER: ("FTH", "father"),
    Relationship.PARENT: ("PRN", "parent"),
    Relationship.GRANDPARENT: ("GRPRN", "grandparent"),
    Relationship.FOSTER_PARENT: ("PRNFOST", "foster parent"),
    Relationship.LEGAL_GUARDIAN: ("GUARD", "guardian"),
}
GRANTOR = "grantor"


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


def _grantor(consent: Consent) -> dict[str, Any]:
    """The contained RelatedPerson who gave the consent, with their relationship and the
    basis they gave it under (none recorded on consents from before issue 26)."""
    guardian = consent.granted_by
    relationship: list[dict[str, Any]] = []
    role = RELATIONSHIP_ROLES.get(guardian.relationship)
    if role is not None:
        relationship.append({"coding": [{"system": ROLE_CODE, "code": role[0], "display": role[1]}]})
    person: dict[str, Any] = {
        "resourceType": "RelatedPerson",
        "id": GRANTOR,
        "patient": {"reference": f"Patient/{consent.child_id}"},
        "name": [{"text": str(guardian)}],
    }
    basis = consent.authority
    if basis is not None:
        relationship.append({"coding": [{"system": f"{CODE_SYSTEM}/authority-basis", "code": basis.basis}]})
        person["period"] = {"start": basis.starts_at.isoformat()}
        if basis.ends_at is not None:
            person["period"]["end"] = basis.ends_at.isoformat()
        if basis.order_number:
            person["extension"] = [
                {
                    "url": f"{STRUCTURE}/authority-order",
                    "valueIdentifier": {
                        "system": f"{CODE_SYSTEM}/authority-order",
                        "value": basis.order_number,
                    },
                }
            ]
    if relationship:
        person["relationship"] = relationship
    return person


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
        "contained": [_grantor(consent)],
        "performer": [{"reference": f"#{GRANTOR}", "display": str(consent.granted_by)}],
        "policy": policies,
        "policyRule": {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/consentpolicycodes", "code": "hipaa-auth"}
            ]
        },
        "verification": [
            {
                "verified": True,
                "verifiedWith": {"reference": f"#{GRANTOR}"},
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
