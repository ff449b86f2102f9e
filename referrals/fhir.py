"""FHIR R4 (validated against the R4B models in tests) views of a referral:
``ServiceRequest`` (what was asked) and ``Task`` (the workflow around it, whose status
follows ours). Same access rules and audit as the JSON API."""

from __future__ import annotations

import datetime
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from directory.models import Provider
from referrals import selectors, services
from referrals.models import Referral, ReferralStatus
from referrals.screening import INSTRUMENTS, summary

FHIR_JSON = "application/fhir+json"
OUTCOME_SYSTEM = "https://referral-hub.org/fhir/CodeSystem/referral-outcome"
DECLINE_SYSTEM = "https://referral-hub.org/fhir/CodeSystem/referral-decline-reason"
CONCERN_SYSTEM = "https://referral-hub.org/fhir/CodeSystem/concern-type"

S = ReferralStatus
TASK_STATUS = {
    S.SENT: "requested",
    S.RECEIVED: "received",
    S.ACCEPTED: "accepted",
    S.DECLINED: "rejected",
    S.SCHEDULED: "in-progress",
    S.COMPLETED: "completed",
    S.CANCELLED: "cancelled",
}
SERVICE_REQUEST_STATUS = {
    S.SENT: "active",
    S.RECEIVED: "active",
    S.ACCEPTED: "active",
    S.SCHEDULED: "active",
    S.COMPLETED: "completed",
    S.DECLINED: "revoked",
    S.CANCELLED: "revoked",
}
PRIORITY = {"routine": "routine", "soon": "urgent", "urgent": "asap"}


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _practitioner(provider: Provider) -> dict[str, Any]:
    return {"reference": f"Practitioner/{provider.pk}", "display": provider.name}


def _requester(referral: Referral) -> dict[str, Any]:
    """The referring practitioner, or for a family's own request the patient's
    parent (a ``RelatedPerson``, by display only: no account ids leave)."""
    if referral.from_provider is None:
        return {"display": "The child's parent or guardian (family request)"}
    return _practitioner(referral.from_provider)


def service_request(referral: Referral) -> dict[str, Any]:
    notes = [
        {
            "text": f"{INSTRUMENTS.get(s.instrument, s.instrument)} ({s.administered_on.isoformat()}): "
            f"{summary(s.instrument, s.result)}"
        }
        for s in referral.screenings.all()
    ]
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": str(referral.pk),
        "status": SERVICE_REQUEST_STATUS[S(referral.status)],
        "intent": "order",
        "priority": PRIORITY[referral.urgency],
        "category": [
            {
                "coding": [{"system": CONCERN_SYSTEM, "code": referral.concern_type}],
                "text": referral.get_concern_type_display(),
            }
        ],
        "code": {
            "coding": [
                {"system": "http://snomed.info/sct", "code": "3457005", "display": "Patient referral"}
            ],
            "text": "Referral",
        },
        "subject": {"reference": f"Patient/{referral.child_id}"},
        "authoredOn": _iso(referral.sent_at),
        "requester": _requester(referral),
        "performer": [_practitioner(referral.to_provider)],
        "reasonCode": [{"text": referral.reason}],
    }
    if referral.appointment_at:
        resource["occurrenceDateTime"] = _iso(referral.appointment_at)
    if notes:
        resource["note"] = notes
    return resource


def task(referral: Referral) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": str(referral.pk),
        "status": TASK_STATUS[S(referral.status)],
        "intent": "order",
        "priority": PRIORITY[referral.urgency],
        "focus": {"reference": f"ServiceRequest/{referral.pk}"},
        "for": {"reference": f"Patient/{referral.child_id}"},
        "authoredOn": _iso(referral.sent_at),
        "lastModified": _iso(referral.updated_at),
        "requester": _requester(referral),
        "owner": _practitioner(referral.to_provider),
        "restriction": {"period": {"end": _iso(referral.appointment_due_at)}},
    }
    if referral.status == S.DECLINED:
        resource["statusReason"] = {
            "coding": [{"system": DECLINE_SYSTEM, "code": referral.decline_reason}],
            "text": referral.decline_note or referral.get_decline_reason_display(),
        }
    if referral.status == S.CANCELLED and referral.cancel_reason:
        resource["statusReason"] = {"text": referral.cancel_reason}
    if referral.appointment_at:
        resource["executionPeriod"] = {"start": _iso(referral.appointment_at)}
    if referral.status == S.COMPLETED and referral.outcome:
        resource["output"] = [
            {
                "type": {"text": "Referral outcome"},
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": OUTCOME_SYSTEM,
                            "code": referral.outcome,
                            "display": referral.get_outcome_display(),
                        }
                    ],
                    "text": referral.outcome_note or referral.get_outcome_display(),
                },
            }
        ]
    return resource


class _FhirApi(APIView):
    builder = staticmethod(service_request)

    def get(self, request: Request, pk: int) -> Response:
        access = services.referral_export(actor=request.user, referral_id=pk)
        referral = selectors.referral_detail(referral=access.referral)
        return Response(type(self).builder(referral), content_type=FHIR_JSON)


class ServiceRequestApi(_FhirApi):
    builder = staticmethod(service_request)

    @extend_schema(
        responses={200: OpenApiResponse(description="FHIR R4 ServiceRequest")},
        summary="A referral as a FHIR ServiceRequest",
    )
    def get(self, request: Request, pk: int) -> Response:
        return super().get(request, pk)


class TaskApi(_FhirApi):
    builder = staticmethod(task)

    @extend_schema(
        responses={200: OpenApiResponse(description="FHIR R4 Task")},
        summary="A referral's workflow as a FHIR Task",
    )
    def get(self, request: Request, pk: int) -> Response:
        return super().get(request, pk)
