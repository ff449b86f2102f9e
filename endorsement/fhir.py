"""FHIR R4 views of endorsements (validated with fhir.resources' R4B models in tests):
``Practitioner`` with one ``qualification`` per endorsement shown as endorsed and per
current evidence-based model credential (issue 28), and ``VerificationResult`` for the
curator's (or this process's) verification."""

from __future__ import annotations

from typing import Any

from directory.model_catalogue import model_name
from directory.models import CURRENT_MODEL_STATUSES, Endorsement, EndorsementStatus, ModelCredential, Provider
from referral_hub.sitelinks import absolute_url

CATEGORY_SYSTEM = "https://referral-hub.org/fhir/CodeSystem/endorsement-category"
# The evidence-based model catalogue (directory/data/evidence_models.json) as a code system.
MODEL_SYSTEM = "https://referral-hub.org/fhir/CodeSystem/evidence-based-model"
# ``rostered`` or ``certified`` on a model qualification (FHIR has no element for it).
MODEL_STATUS_EXTENSION = "https://referral-hub.org/fhir/StructureDefinition/model-credential-status"
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


def _model_qualification(credential: ModelCredential) -> dict[str, Any]:
    label = model_name(credential.code, "en")
    item: dict[str, Any] = {
        "extension": [{"url": MODEL_STATUS_EXTENSION, "valueCode": credential.status}],
        "code": {
            "coding": [{"system": MODEL_SYSTEM, "code": credential.code, "display": label}],
            "text": label,
        },
    }
    if credential.expires_on is not None:
        item["period"] = {"end": credential.expires_on.isoformat()}
    if credential.credential_number:
        item["identifier"] = [{"value": credential.credential_number}]
    if credential.issuer:
        item["issuer"] = {"display": credential.issuer}
    return item


def practitioner(provider: Provider) -> dict[str, Any]:
    """Only endorsements shown as endorsed (verified, unexpired) and current model
    credentials (verified, rostered or certified, unexpired: ``public_models``
    prefetched, in training left out) become qualifications."""
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": str(provider.pk),
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{provider.hsds_id}"}],
        "active": True,
        "name": [{"text": provider.name}],
    }
    qualifications = [_qualification(e) for e in getattr(provider, "public_endorsements", [])]
    qualifications += [
        _model_qualification(m)
        for m in getattr(provider, "public_models", [])
        if m.status in CURRENT_MODEL_STATUSES and m.expires_on is not None
    ]
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
