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

NEEDS_MET_SYSTEM = "https://referral-hub.org/fhir/CodeSystem/needs-met"
BARRIER_SYSTEM = "https://referral-hub.org/fhir/CodeSystem/needs-met-barrier"
STATUS_SYSTEM = "https://referral-hub.org/fhir/CodeSystem/referral-status"

S = ReferralStatus
# Task.status per the SDOH Clinical Care IG's referral task (SDOHCC
# TaskForReferralManagement; its ValueSet SDOHCCValueSetReferralTaskStatus leaves out
# ``ready`` and ``received``): a referral opened by the recipient is still
# ``requested``; our own status rides in ``businessStatus``.
TASK_STATUS = {
    S.SENT: "requested",
    S.RECEIVED: "requested",
    S.ACCEPTED: "accepted",
    S.DECLINED: "rejected",
    S.SCHEDULED: "in-progress",
    S.COMPLETED: "completed",
    S.CANCELLED: "cancelled",
}
# The IG's allowed Task.status transitions (its state diagram and table, "Status
# Management"), as (from, to). ``draft`` and ``entered-in-error`` are the requester's
# and never ours; ``failed`` we never set. requested -> cancelled is the requester
# withdrawing before an answer: the table lists the requester among who sets
# ``cancelled``, and the base FHIR Task state machine allows it (the diagram draws no
# arrow; docs/referrals.md, "FHIR").
TASK_TRANSITIONS = frozenset(
    {
        ("draft", "requested"),
        ("draft", "entered-in-error"),
        ("requested", "accepted"),
        ("requested", "rejected"),
        ("requested", "cancelled"),
        ("accepted", "in-progress"),
        ("accepted", "on-hold"),
        ("accepted", "completed"),
        ("accepted", "failed"),
        ("accepted", "cancelled"),
        ("in-progress", "on-hold"),
        ("on-hold", "in-progress"),
        ("in-progress", "completed"),
        ("in-progress", "failed"),
        ("in-progress", "cancelled"),
        ("on-hold", "completed"),
        ("on-hold", "failed"),
        ("on-hold", "cancelled"),
    }
)


def task_transition_allowed(from_status: str, to_status: str) -> bool:
    """May a referral move ``from_status`` -> ``to_status`` (ours) as far as its FHIR
    Task goes: the same Task.status (nothing changes for FHIR), or an IG transition."""
    before, after = TASK_STATUS[S(from_status)], TASK_STATUS[S(to_status)]
    return before == after or (before, after) in TASK_TRANSITIONS


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
        "businessStatus": {
            "coding": [
                {"system": STATUS_SYSTEM, "code": referral.status, "display": referral.get_status_display()}
            ],
            "text": referral.get_status_display(),
        },
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
    if referral.status == S.COMPLETED and referral.needs_met:
        resource.setdefault("output", []).extend(_needs_met_outputs(referral))
    return resource


def _coded(kind: str, system: str, code: str, word: str) -> dict[str, Any]:
    return {
        "type": {"text": kind},
        "valueCodeableConcept": {"coding": [{"system": system, "code": code, "display": word}], "text": word},
    }


def _needs_met_outputs(referral: Referral) -> list[dict[str, Any]]:
    """Was the family's need met (the recipient's answer), then one output per barrier."""
    return [
        _coded("Needs met", NEEDS_MET_SYSTEM, referral.needs_met, str(referral.get_needs_met_display())),
        *(
            _coded("Barrier", BARRIER_SYSTEM, code, word)
            for code, word in zip(referral.barriers or [], referral.barrier_words, strict=True)
        ),
    ]


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
