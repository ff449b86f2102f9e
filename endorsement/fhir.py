"""FHIR R4 views of endorsements (validated with fhir.resources' R4B models in tests):
``Practitioner`` with one ``qualification`` per endorsement shown as endorsed, and
``VerificationResult`` for the curator's (or this process's) verification."""

from __future__ import annotations

from typing import Any

from directory.models import Endorsement, EndorsementStatus, Provider
from referral_hub.sitelinks import absolute_url

CATEGORY_SYSTEM = "https://referral-hub.org/fhir/CodeSystem/endorsement-category"
VALIDATION_TYPE = "http://terminology.hl7.org/CodeSystem/validation-type"
VERIFICATION_STATUS = {
    EndorsementStatus.VERIFIED.value: "validated",
    EndorsementStatus.EXPIRED.value: "req-revalid",
    EndorsementStatus.REVOKED.value: "val-fail",
}


def credential_system() -> str:
    return absolute_url("/verify")


def _qualification(endorsement: Endorsement) -> dict[str, Any]:
    label = endorsement.get_category_display()
    item: dict[str, Any] = {
        "code": {
            "coding": [{"system": CATEGORY_SYSTEM, "code": endorsement.category, "display": label}],
            "text": label,
        },
        "period": {"start": endorsement.issued_on.isoformat(), "end": endorsement.expires_on.isoformat()},
    }
    if endorsement.credential_number:
        item["identifier"] = [{"system": credential_system(), "value": endorsement.credential_number}]
    if endorsement.issuing_association:
        item["issuer"] = {"display": endorsement.issuing_association}
    return item


def practitioner(provider: Provider) -> dict[str, Any]:
    """Only endorsements shown as endorsed (verified, unexpired) become qualifications."""
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": str(provider.pk),
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{provider.hsds_id}"}],
        "active": True,
        "name": [{"text": provider.name}],
    }
    qualifications = [_qualification(e) for e in getattr(provider, "public_endorsements", [])]
    if qualifications:
        resource["qualification"] = qualifications
    return resource


def verification_result(endorsement: Endorsement) -> dict[str, Any]:
    status = endorsement.effective_status()
    when = endorsement.status_changed_at or endorsement.created_at
    return {
        "resourceType": "VerificationResult",
        "id": str(endorsement.pk),
        "target": [
            {"reference": f"Practitioner/{endorsement.provider_id}", "display": endorsement.provider.name}
        ],
        "targetLocation": ["Practitioner.qualification"],
        "status": VERIFICATION_STATUS.get(status, "in-process"),
        "statusDate": when.isoformat(),
        "validationType": {
            "coding": [{"system": VALIDATION_TYPE, "code": "primary", "display": "Primary Source"}]
        },
        "validator": [
            {"organization": {"display": endorsement.issuing_association or "Referral Hub curators"}}
        ],
    } | _credential(endorsement)


def _credential(endorsement: Endorsement) -> dict[str, Any]:
    if not endorsement.credential_number:
        return {}
    return {
        "primarySource": [
            {
                "who": {
                    "display": endorsement.issuing_association or "Referral Hub",
                    "identifier": {"system": credential_system(), "value": endorsement.credential_number},
                }
            }
        ]
    }
