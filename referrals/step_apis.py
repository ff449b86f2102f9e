"""The family's next steps over HTTP (thin: bind the input, call ``referrals.steps``,
serialize): ``/api/v1/referrals/{id}/steps/`` (list, add),
``/api/v1/referrals/{id}/steps/{step_id}/done/`` (the family marks one), and each step as
a FHIR R4 ``Task`` (SDOHCC Task For Patient) at ``/fhir/Task/step-{step_id}`` and, all of
a referral's, at ``/fhir/Task?part-of=Task/{id}`` (a searchset ``Bundle``)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.apis import ChildRef
from directory.models import Provider
from referral_hub.errors import ApplicationError
from referral_hub.inputs import bind, refusal, schema_of
from referrals import steps
from referrals.fhir import FHIR_JSON
from referrals.models import NextStep, Referral, StepKind

# --- FHIR ------------------------------------------------------------------------------------

# The SDOH Clinical Care IG (HL7, STU 2.x): patient-task codes (ValueSet SDOHCC-ValueSetTaskCode)
# come from its temporary code system, except complete-questionnaire, which is SDC's.
SDOHCC_CODES = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
SDC_TEMP_CODES = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp"
TASK_FOR_PATIENT = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-TaskForPatient"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
CODE_DISPLAY = {
    StepKind.MAKE_CONTACT: "Make Contact",
    StepKind.REVIEW_MATERIAL: "Review Material",
    StepKind.COMPLETE_QUESTIONNAIRE: "Complete Questionnaire",
    StepKind.GENERAL_INFORMATION: "General Information",
}
# SDOHCC-ValueSetTaskStatus: a patient's task arrives "ready"; the family completes it.
STEP_STATUS = {False: "ready", True: "completed"}


def code_system(kind: str) -> str:
    return SDC_TEMP_CODES if kind == StepKind.COMPLETE_QUESTIONNAIRE else SDOHCC_CODES


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _requester(step: NextStep, referral: Referral) -> dict[str, Any]:
    provider: Provider | None = referral.to_provider
    if referral.from_provider is not None and referral.from_provider.user_id == step.created_by_id:
        provider = referral.from_provider
    assert provider is not None
    return {"reference": f"Practitioner/{provider.pk}", "display": provider.name}


def _inputs(step: NextStep, referral: Referral) -> list[dict[str, Any]]:
    """What the IG's invariants ask of each code: make-contact names whom to contact
    (SDOH-Task-4); complete-questionnaire its address and category (SDOH-Task-1)."""
    if step.kind == StepKind.MAKE_CONTACT:
        return [
            {
                "type": _coding(SDOHCC_CODES, "contact-entity", "Contact Entity"),
                "valueReference": {
                    "reference": f"Practitioner/{referral.to_provider_id}",
                    "display": referral.to_provider.name,
                },
            }
        ]
    if step.kind == StepKind.COMPLETE_QUESTIONNAIRE:
        return [
            {"type": _coding(SDOHCC_CODES, "questionnaire-url", "Questionnaire URL"), "valueUrl": step.url},
            {
                "type": _coding(SDOHCC_CODES, "questionnaire-category", "Questionnaire Category"),
                "valueCodeableConcept": _coding(
                    SDOHCC_CODES, "application-questionnaire", "Application Questionnaire"
                ),
            },
        ]
    if step.url:
        return [{"type": {"text": "Link"}, "valueUrl": step.url}]
    return []


def step_task(step: NextStep, referral: Referral) -> dict[str, Any]:
    """A next step as a FHIR R4 Task for the patient (SDOHCC Task For Patient): ``for``
    the child, ``partOf`` the referral's Task, owned by the child's parent or guardian
    (by display: no account ids leave), ``ready`` until the family marks it done."""
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": f"step-{step.pk}",
        "meta": {"profile": [TASK_FOR_PATIENT]},
        "status": STEP_STATUS[step.is_done],
        "intent": "order",
        "priority": "urgent" if referral.urgency == "urgent" else "routine",
        "code": {
            **_coding(code_system(step.kind), step.kind, CODE_DISPLAY[StepKind(step.kind)]),
            "text": step.text_en,
        },
        "description": step.text_en,
        "partOf": [{"reference": f"Task/{referral.pk}"}],
        "basedOn": [{"reference": f"ServiceRequest/{referral.pk}"}],
        "for": {"reference": f"Patient/{referral.child_id}"},
        "authoredOn": _iso(step.created_at),
        "lastModified": _iso(step.done_at or step.created_at),
        "requester": _requester(step, referral),
        "owner": {"display": "The child's parent or guardian"},
    }
    if step.text_es:
        resource["_description"] = {
            "extension": [
                {
                    "url": TRANSLATION,
                    "extension": [
                        {"url": "lang", "valueCode": "es"},
                        {"url": "content", "valueString": step.text_es},
                    ],
                }
            ]
        }
    if step.due_on:
        resource["restriction"] = {"period": {"end": _iso(step.due_on)}}
    if step.done_at:
        resource["executionPeriod"] = {"end": _iso(step.done_at)}
    inputs = _inputs(step, referral)
    if inputs:
        resource["input"] = inputs
    return resource


class StepTaskApi(APIView):
    @extend_schema(
        responses={200: OpenApiResponse(description="FHIR R4 Task (SDOHCC Task For Patient)")},
        summary="A family's next step on a referral as a FHIR Task",
        operation_id="fhir_Task_step_retrieve",
    )
    def get(self, request: Request, pk: int) -> Response:
        step, access = steps.access_step(request.user, pk)
        return Response(step_task(step, access.referral), content_type=FHIR_JSON)


PART_OF = re.compile(r"^Task/(\d{1,18})$")


class StepTaskSearchApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "part-of", required=True, description="Task/{referral_id}: the referral's next steps"
            )
        ],
        responses={200: OpenApiResponse(description="FHIR R4 Bundle (searchset) of Tasks")},
        summary="A referral's next steps for the family as FHIR Tasks",
        operation_id="fhir_Task_search",
    )
    def get(self, request: Request) -> Response:
        match = PART_OF.match(request.query_params.get("part-of", ""))
        if match is None:
            raise ApplicationError(
                "invalid_parameter",
                "part-of: give Task/{referral id}.",
                status=400,
                extra={"field": "part-of"},
            )
        found = steps.steps_open(actor=request.user, referral_id=int(match.group(1)))
        entries = [
            {
                "fullUrl": f"Task/step-{s.pk}",
                "resource": step_task(s, found.referral),
                "search": {"mode": "match"},
            }
            for s in found.steps
        ]
        bundle = {"resourceType": "Bundle", "type": "searchset", "total": len(entries), "entry": entries}
        return Response(bundle, content_type=FHIR_JSON)


# --- JSON API ---------------------------------------------------------------------------------


class StepOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    referral = serializers.IntegerField(source="referral_id")
    child = ChildRef(source="referral.child", help_text="The child the referral is for.")
    kind = serializers.ChoiceField(
        StepKind.choices, help_text="SDOH Clinical Care patient-task code (SDOHCC-ValueSetTaskCode)."
    )
    kind_label = serializers.CharField(source="get_kind_display")
    code_system = serializers.SerializerMethodField()
    text_en = serializers.CharField()
    text_es = serializers.CharField(allow_blank=True)
    text = serializers.SerializerMethodField(help_text="The words in the caller's language.")
    url = serializers.CharField(allow_blank=True)
    due_on = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    status = serializers.SerializerMethodField(help_text="FHIR Task.status: ready or completed.")
    done = serializers.BooleanField(source="is_done")
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = serializers.SerializerMethodField()
    fhir = serializers.SerializerMethodField(help_text="Path of the step's FHIR Task.")

    def get_code_system(self, obj: NextStep) -> str:
        return code_system(obj.kind)

    def get_text(self, obj: NextStep) -> str:
        return obj.text_in(str(self.context.get("language", "en")))

    def get_status(self, obj: NextStep) -> str:
        return STEP_STATUS[obj.is_done]

    @extend_schema_field(
        inline_serializer(
            "StepDoneBy",
            {"id": serializers.IntegerField(), "name": serializers.CharField()},
            allow_null=True,  # a step not done yet
        )
    )
    def get_done_by(self, obj: NextStep) -> dict[str, Any] | None:
        user = obj.done_by
        if user is None:
            return None
        return {"id": user.pk, "name": user.get_full_name() or user.get_username()}

    def get_fhir(self, obj: NextStep) -> str:
        return f"/fhir/Task/step-{obj.pk}"


def _out(request: Request, rows: list[NextStep] | NextStep, many: bool = False) -> Any:
    return StepOutput(rows, many=many, context={"language": getattr(request, "LANGUAGE_CODE", "en")}).data


class StepListAddApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "StepList",
            {
                "count": serializers.IntegerField(),
                "next": serializers.CharField(allow_null=True),
                "previous": serializers.CharField(allow_null=True),
                "results": StepOutput(many=True),
            },
        ),
        summary="The family's next steps on a referral (its referrer, recipient and the child's guardians)",
        description="Every step of the referral, oldest first (a referral has a handful: one page). "
        "404 for anyone who may not read the referral; 403 `consent_required` once a provider's "
        "consent for the child ended.",
    )
    def get(self, request: Request, pk: int) -> Response:
        found = steps.steps_open(actor=request.user, referral_id=pk)
        return Response(
            {
                "count": len(found.steps),
                "next": None,
                "previous": None,
                "results": _out(request, found.steps, True),
            }
        )

    @extend_schema(
        request=schema_of(steps.StepAddForm),
        responses={201: StepOutput},
        summary="Ask the family to do something for a referral (its recipient or referrer)",
        description="`kind` is an SDOH Clinical Care patient-task code: `make-contact`, `review-material`, "
        "`complete-questionnaire` (needs `url`), `general-information`. `text_en` (and optionally `text_es`) "
        "are the family's words. The family is told in the app and by e-mail (no details in the e-mail). "
        "403 `not_allowed` for a guardian; 409 `referral_closed` once the referral is closed; "
        "400 `invalid_kind` / `invalid_url` / `invalid_date`.",
    )
    def post(self, request: Request, pk: int) -> Response:
        form = bind(steps.StepAddForm, request.data)
        if not form.is_valid():
            raise refusal(form, steps.STEP_CODES)
        step = steps.step_add(actor=request.user, referral_id=pk, **form.cleaned_data)
        return Response(
            _out(request, step), status=201, headers={"Location": f"/api/v1/referrals/{pk}/steps/"}
        )


class StepMarkApi(APIView):
    @extend_schema(
        request=inline_serializer(
            "StepMarkInput", {"done": serializers.BooleanField(required=False, default=True)}
        ),
        responses={200: StepOutput},
        summary="The family marks a next step done (or, with done: false, not done)",
        description="A guardian of the child only: 403 `not_allowed` for a provider; 404 for anyone who "
        "may not read the referral, or a step of another referral. Marking a done step done again "
        "keeps its first time.",
    )
    def post(self, request: Request, pk: int, step_pk: int) -> Response:
        form = bind(steps.StepMarkForm, request.data)
        if not form.is_valid():
            raise refusal(form, {})
        step = steps.step_mark(actor=request.user, step_id=step_pk, done=form.is_done(), referral_id=pk)
        return Response(_out(request, step))
