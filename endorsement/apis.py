"""Endorsement API (thin): parse with the declared serializer, call a service or a
selector, serialize. Who may do what is in policies.py."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.http import FileResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from directory.models import EndorsementCategory
from endorsement import fhir, selectors, services
from endorsement.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Decision,
    DocumentKind,
    Domain,
    EntrySource,
    Recommendation,
    RscFormat,
)
from endorsement.policies import access_application, is_owner, may_see_exam_code, require_provider
from people.roles import Actor
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.fhir import FhirJsonRenderer, FirstRenderer
from referral_hub.pagination import Pagination
from referral_hub.schema import AutoSchema

# --- logs ------------------------------------------------------------------------------


class TrainingInput(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=255)
    provider_org = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    completed_on = serializers.DateField()
    hours = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal(24)
    )
    domains = serializers.ListField(
        child=serializers.ChoiceField(Domain.choices), required=False, default=list
    )
    dei = serializers.BooleanField(required=False, default=False)
    about_providing_rsc = serializers.BooleanField(required=False, default=False)


class LockedField(serializers.BooleanField):
    """``locked``: the entry can no longer be edited or deleted: a submitted or approved
    application counted it, or it comes from attendance. Needs ``context["locked_periods"]``."""

    def __init__(self) -> None:
        super().__init__(
            source="*",
            read_only=True,
            help_text="true once a submitted or approved application counted this entry, "
            "and always for an entry from attendance (source `attendance`)",
        )

    def to_representation(self, value: Any) -> bool:
        if value.from_attendance:
            return True
        day = getattr(value, "completed_on", None) or value.ended_on
        return selectors.is_locked(day, self.context.get("locked_periods", []))


def source_field() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        EntrySource.choices,
        read_only=True,
        help_text="manual: logged by the provider; attendance: recorded from attendance at a "
        "group or training (the provider cannot edit or delete it)",
    )


class TrainingOutput(TrainingInput):
    id = serializers.IntegerField()
    domains = serializers.ListField(child=serializers.ChoiceField(Domain.choices))
    # DRF's serializer metaclass pops declared fields off the class, so this never
    # shadows ``Field.source`` at run time (as referrals' ``source``).
    source = source_field()  # type: ignore[assignment]  # see the comment above
    locked = LockedField()


class EndorsementProviderRef(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RscInput(serializers.Serializer[Any]):
    consultant = serializers.IntegerField(help_text="Directory provider id of the consultant.")
    started_on = serializers.DateField()
    ended_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    format = serializers.ChoiceField(RscFormat.choices, required=False, default=RscFormat.INDIVIDUAL)


class RscOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    consultant = EndorsementProviderRef()
    started_on = serializers.DateField()
    ended_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=2)
    format = serializers.ChoiceField(RscFormat.choices)
    source = source_field()  # type: ignore[assignment]  # as TrainingOutput's
    source_title = serializers.CharField(
        read_only=True, help_text="The group or event attended (entries from attendance), else empty."
    )
    locked = LockedField()


# --- portfolio: education and work history ----------------------------------------------


class EducationInput(serializers.Serializer[Any]):
    degree = serializers.CharField(max_length=120)
    field = serializers.CharField(max_length=160)
    institution = serializers.CharField(max_length=255)
    completed_on = serializers.DateField()


class EducationOutput(EducationInput):
    id = serializers.IntegerField()


class WorkInput(serializers.Serializer[Any]):
    role = serializers.CharField(max_length=255)
    employer = serializers.CharField(max_length=255)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="null while current"
    )
    infant_family_focus = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="The infant/family work this position involved.",
    )


class WorkOutput(WorkInput):
    id = serializers.IntegerField()
    ended_on = serializers.DateField(allow_null=True)
    infant_family_focus = serializers.CharField()


# --- the portfolio API: one viewset for the four kinds -----------------------------------

LOCKED = (
    "409 `log_entry_locked` once a submitted or approved application counted the entry; "
    "409 `entry_from_attendance` for an entry recorded from attendance (source `attendance`)."
)


@dataclass(frozen=True)
class EntryApi:
    """The API of one portfolio kind: what it reads and answers, and its documentation.
    ``renames``: input field -> service argument (RSC's ``consultant`` is a provider id)."""

    input: type[serializers.Serializer[Any]]
    output: type[serializers.Serializer[Any]]
    list_summary: str
    create_summary: str
    edit_summary: str
    delete_summary: str
    locks: bool = False
    renames: tuple[tuple[str, str], ...] = ()

    def service_values(self, validated: dict[str, Any]) -> dict[str, Any]:
        values = dict(validated)
        for field, argument in self.renames:
            if field in values:
                values[argument] = values.pop(field)
        return values


ENTRY_APIS: dict[str, EntryApi] = {
    "training": EntryApi(
        TrainingInput,
        TrainingOutput,
        "The provider's training log",
        "Log a training",
        "Correct a training entry (the owner, while its period is open)",
        "Delete a training entry (the owner, while its period is open)",
        locks=True,
    ),
    "rsc": EntryApi(
        RscInput,
        RscOutput,
        "The provider's RSC log",
        "Log reflective supervision/consultation",
        "Correct an RSC entry (the owner, while its period is open)",
        "Delete an RSC entry (the owner, while its period is open)",
        locks=True,
        renames=(("consultant", "consultant_id"),),
    ),
    "education": EntryApi(
        EducationInput,
        EducationOutput,
        "The provider's education (portfolio)",
        "Add a degree or program",
        "Correct an education entry (the owner)",
        "Delete an education entry (the owner)",
    ),
    "work": EntryApi(
        WorkInput,
        WorkOutput,
        "The provider's work history (portfolio)",
        "Add a position",
        "Correct a position (the owner)",
        "Delete a position (the owner)",
    ),
}


class EntrySchema(AutoSchema):
    """The OpenAPI operations of one kind's routes: its serializers and summaries."""

    def _api(self) -> EntryApi:
        return ENTRY_APIS[cast(EntryViewSet, self.view).kind]

    def get_summary(self) -> str | None:
        api = self._api()
        return {
            "list": api.list_summary,
            "create": api.create_summary,
            "partial_update": api.edit_summary,
            "destroy": api.delete_summary,
        }.get(cast(EntryViewSet, self.view).action or "")

    def get_description(self) -> str:  # type: ignore[override]  # drf-spectacular's AutoSchema takes no arguments; the stub types DRF's base
        changes = cast(EntryViewSet, self.view).action in ("partial_update", "destroy")
        return LOCKED if changes and self._api().locks else ""

    def get_request_serializer(self) -> Any:
        action = cast(EntryViewSet, self.view).action
        if action == "create":
            return self._api().input
        if action == "partial_update":
            return self._api().input(partial=True)
        return None

    def get_response_serializers(self) -> Any:
        action = cast(EntryViewSet, self.view).action
        output = self._api().output
        answers = {"list": {200: output(many=True)}, "create": {201: output}, "partial_update": {200: output}}
        return answers.get(action or "", {204: None})


class EntryViewSet(GenericViewSet[Any]):
    """A provider's own portfolio entries of one kind (``kind``, set per route):
    list, add, correct (PATCH) and delete, through the portfolio services. Who may: the
    provider, on their own entries (others' are not found); logs only while open."""

    kind = ""
    pagination_class = Pagination
    schema = EntrySchema()

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
        return ENTRY_APIS[self.kind].output

    def _context(self) -> dict[str, Any]:
        if not ENTRY_APIS[self.kind].locks:
            return {}
        return {"locked_periods": selectors.locked_periods(provider=require_provider(self.request.user))}

    def _body(self, entry: Any) -> Any:
        return ENTRY_APIS[self.kind].output(entry, context=self._context()).data

    def _values(self, *, partial: bool) -> dict[str, Any]:
        api = ENTRY_APIS[self.kind]
        data = api.input(data=self.request.data, partial=partial)
        data.is_valid(raise_exception=True)
        return api.service_values(data.validated_data)

    def list(self, request: Request) -> Response:
        provider = require_provider(request.user)
        page = self.paginate_queryset(selectors.portfolio_entries(provider=provider, kind=self.kind))
        output = ENTRY_APIS[self.kind].output(page, many=True, context=self._context())
        return self.get_paginated_response(output.data)

    def create(self, request: Request) -> Response:
        values = self._values(partial=False)
        entry = services.portfolio_entry_add(actor=request.user, kind=self.kind, **values)
        return Response(self._body(entry), status=201)

    def partial_update(self, request: Request, pk: int) -> Response:
        values = self._values(partial=True)
        entry = services.portfolio_entry_edit(actor=request.user, kind=self.kind, entry_id=pk, **values)
        return Response(self._body(entry))

    def destroy(self, request: Request, pk: int) -> Response:
        services.portfolio_entry_delete(actor=request.user, kind=self.kind, entry_id=pk)
        return Response(status=204)


def entry_list_view(kind: str) -> Any:
    """``GET``/``POST`` of one kind's log or list, for ``urls.py``."""
    return EntryViewSet.as_view({"get": "list", "post": "create"}, kind=kind)


def entry_detail_view(kind: str) -> Any:
    """``PATCH``/``DELETE`` of one entry of a kind, for ``urls.py``."""
    return EntryViewSet.as_view({"patch": "partial_update", "delete": "destroy"}, kind=kind)


# --- applications -----------------------------------------------------------------------


class EndorsementRequirementOutput(serializers.Serializer[Any]):
    rule = serializers.CharField()
    # DRF's metaclass moves declared fields off the class, so these names are safe here.
    label = serializers.CharField()  # type: ignore[assignment]  # shadows Field.label in the stubs only
    required = serializers.FloatField()  # type: ignore[assignment]  # shadows Field.required in the stubs only
    have = serializers.FloatField()
    met = serializers.BooleanField()
    missing = serializers.FloatField(help_text="How much is still needed (0 when met).")


class EndorsementReferenceOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    waiver = serializers.BooleanField()
    answered = serializers.BooleanField()
    answered_at = serializers.DateTimeField(allow_null=True)
    ratings = serializers.DictField(
        child=serializers.IntegerField(), allow_null=True, help_text="null for the applicant under a waiver"
    )
    recommend = serializers.BooleanField(
        allow_null=True,
        help_text="false only for a “No”; null until answered (and for the applicant under a waiver)",
    )
    recommendation = serializers.ChoiceField(
        Recommendation.choices,
        allow_null=True,
        help_text="The full answer: yes, with_reservations or no (null as for recommend)",
    )
    recommendation_label = serializers.CharField(
        allow_null=True, help_text="The answer in words (your language)"
    )
    comments = serializers.CharField(
        allow_null=True, help_text="The reference's comments (null for the applicant under a waiver)"
    )
    does_not_recommend = serializers.BooleanField(help_text="true when the answer is “No” (flag it)")


class EndorsementReviewOutput(serializers.Serializer[Any]):
    reviewer = EndorsementProviderRef(
        allow_null=True, help_text="null for the applicant: reviewers stay anonymous to them"
    )
    round = serializers.IntegerField()
    decision = serializers.CharField()
    feedback = serializers.CharField()
    justification = serializers.CharField(
        help_text="Why a reviewer approved over a reference's “No” (empty for the applicant)"
    )
    decided_at = serializers.DateTimeField(allow_null=True)


class ApplicationEventOutput(serializers.Serializer[Any]):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    from_status_label = serializers.CharField(help_text="The earlier status in words (your language)")
    to_status_label = serializers.CharField(help_text="The new status in words (your language)")
    note = serializers.CharField()
    at = serializers.DateTimeField()


class GrantedEndorsementOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    credential_number = serializers.CharField()
    expires_on = serializers.DateField()


class ApplicationOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(ApplicationKind.choices)
    category = serializers.ChoiceField(EndorsementCategory.choices)
    association = serializers.CharField()
    rule_set_version = serializers.IntegerField()
    status = serializers.ChoiceField(ApplicationStatus.choices)
    status_label = serializers.CharField(help_text="The status in words (your language)")
    provider = EndorsementProviderRef()
    exam_code = serializers.CharField(allow_null=True, help_text="null for reviewers (blind exam scoring)")
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    endorsement = GrantedEndorsementOutput(allow_null=True)


class ApplicationDetailOutput(ApplicationOutput):
    requirements = EndorsementRequirementOutput(many=True)
    missing = serializers.ListField(child=serializers.CharField())
    references = EndorsementReferenceOutput(many=True)
    reviews = EndorsementReviewOutput(many=True)
    timeline = ApplicationEventOutput(many=True)
    education = EducationOutput(many=True, help_text="The applicant's education (portfolio)")
    work = WorkOutput(many=True, help_text="The applicant's work history (portfolio)")


def _granted(application: Application) -> dict[str, Any] | None:
    e = application.endorsement
    if e is None or application.status != ApplicationStatus.APPROVED:
        return None
    return {"id": e.pk, "credential_number": e.credential_number, "expires_on": e.expires_on}


def application_body(application: Application, actor: Actor) -> dict[str, Any]:
    return {
        "id": application.pk,
        "kind": application.kind,
        "category": application.category,
        "association": application.rule_set.association,
        "rule_set_version": application.rule_set.version,
        "status": application.status,
        "status_label": str(application.get_status_display()),
        "provider": {"id": application.provider.pk, "name": application.provider.name},
        "exam_code": application.exam_code if may_see_exam_code(actor, application) else None,
        "created_at": application.created_at,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "endorsement": _granted(application),
    }


def _reference(reference: Any, *, applicant: bool) -> dict[str, Any]:
    """Reviewers and curators read every answer in full; the applicant too, unless a
    waiver was signed (then only that the reference answered)."""
    hidden = (applicant and reference.waiver) or reference.answered_at is None
    recommendation = None if hidden else (reference.recommendation or None)
    return {
        "id": reference.pk,
        "name": reference.name,
        "email": reference.email,
        "waiver": reference.waiver,
        "answered": reference.answered_at is not None,
        "answered_at": reference.answered_at,
        "ratings": None if hidden else reference.ratings,
        "recommend": None if hidden else reference.recommend,
        "recommendation": recommendation,
        "recommendation_label": str(Recommendation(recommendation).label) if recommendation else None,
        "comments": None if hidden else reference.comments,
        "does_not_recommend": recommendation == Recommendation.NO,
    }


def application_detail_body(application: Application, actor: Actor) -> dict[str, Any]:
    applicant = is_owner(actor, application)
    requirements = selectors.application_requirements(application)
    return {
        **application_body(application, actor),
        "requirements": requirements,
        "missing": [f"{r['rule']}: {r['missing']:g} more" for r in requirements if not r["met"]],
        "references": [_reference(r, applicant=applicant) for r in application.references.all()],
        "reviews": [
            {
                "reviewer": None
                if applicant
                else {"id": a.reviewer.pk, "name": a.reviewer.get_full_name() or a.reviewer.get_username()},
                "round": a.round,
                "decision": a.decision,
                "feedback": a.feedback if not applicant or a.decision == Decision.DEFER else "",
                "justification": "" if applicant else a.justification,
                "decided_at": a.decided_at,
            }
            for a in application.assignments.all()
        ],
        "timeline": [
            {
                "from_status": e.from_status,
                "to_status": e.to_status,
                "from_status_label": _status_words(e.from_status),
                "to_status_label": _status_words(e.to_status),
                "note": e.note,
                "at": e.at,
            }
            for e in application.events.all()
        ],
        "education": EducationOutput(application.provider.education_entries.all(), many=True).data,
        "work": WorkOutput(application.provider.work_entries.all(), many=True).data,
    }


class ApplicationCreateInput(serializers.Serializer[Any]):
    category = serializers.ChoiceField(EndorsementCategory.choices)
    association = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(ApplicationKind.choices, required=False, default=ApplicationKind.INITIAL)


class ApplicationListApi(GenericAPIView[Any]):
    pagination_class = Pagination
    serializer_class = ApplicationOutput

    @extend_schema(
        responses={200: ApplicationOutput(many=True)},
        summary="Applications: a provider's own, a reviewer's assigned, all for curators",
    )
    def get(self, request: Request) -> Response:
        status = request.query_params.get("status", "")
        if status and status not in ApplicationStatus.values:
            raise ApplicationError("invalid_parameter", "Unknown status.", extra={"parameter": "status"})
        page = self.paginate_queryset(selectors.application_list(actor=request.user, status=status))
        return self.get_paginated_response([application_body(a, request.user) for a in page or []])

    @extend_schema(
        request=ApplicationCreateInput,
        responses={201: ApplicationDetailOutput},
        summary="Open an application",
    )
    def post(self, request: Request) -> Response:
        data = ApplicationCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        application = services.application_create(
            actor=request.user, category=v["category"], association=v["association"] or None, kind=v["kind"]
        )
        return Response(_detail(request, application), status=201)


def _detail(request: Request, application: Application) -> dict[str, Any]:
    return application_detail_body(selectors.application_detail(application=application), request.user)


class ApplicationDetailApi(APIView):
    @extend_schema(responses={200: ApplicationDetailOutput}, summary="An application with its requirements")
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(request, access_application(request.user, pk)))


class ApplicationSubmitInput(serializers.Serializer[Any]):
    attest_ethics = serializers.BooleanField(
        help_text="I follow the code of ethics and have no sanctions (required to submit)."
    )


class ApplicationSubmitApi(APIView):
    @extend_schema(
        request=ApplicationSubmitInput,
        responses={200: ApplicationDetailOutput},
        summary="Submit (or re-submit)",
    )
    def post(self, request: Request, pk: int) -> Response:
        data = ApplicationSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_submit(
            actor=request.user, application_id=pk, attest_ethics=data.validated_data["attest_ethics"]
        )
        return Response(_detail(request, application))


class ApplicationWithdrawApi(APIView):
    @extend_schema(
        request=None, responses={200: ApplicationDetailOutput}, summary="Withdraw an open application"
    )
    def post(self, request: Request, pk: int) -> Response:
        return Response(
            _detail(request, services.application_withdraw(actor=request.user, application_id=pk))
        )


class EndorsementReferenceInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=255)
    email = serializers.EmailField()
    waiver = serializers.BooleanField(required=False, default=False, help_text="Waive seeing the ratings.")


class ReferenceRequestApi(APIView):
    @extend_schema(
        request=EndorsementReferenceInput,
        responses={201: EndorsementReferenceOutput},
        summary="Ask a reference (e-mails a link)",
    )
    def post(self, request: Request, pk: int) -> Response:
        data = EndorsementReferenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        reference = services.reference_request(actor=request.user, application_id=pk, **data.validated_data)
        return Response(_reference(reference, applicant=True), status=201)


class ApplicationAssignInput(serializers.Serializer[Any]):
    reviewers = serializers.ListField(child=serializers.IntegerField(), help_text="Two reviewer user ids.")


class ApplicationAssignApi(APIView):
    @extend_schema(
        request=ApplicationAssignInput,
        responses={200: ApplicationDetailOutput},
        summary="Assign two reviewers (curator)",
    )
    def post(self, request: Request, pk: int) -> Response:
        data = ApplicationAssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_assign(
            actor=request.user, application_id=pk, reviewer_ids=data.validated_data["reviewers"]
        )
        return Response(_detail(request, application))


class EndorsementReviewInput(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(Decision.choices)
    feedback = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    justification = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=10000,
        help_text="Required to approve while a reference answered “No” (400 justification_required).",
    )


class ApplicationReviewApi(APIView):
    @extend_schema(
        request=EndorsementReviewInput,
        responses={200: ApplicationDetailOutput},
        summary="Decide (assigned reviewer)",
    )
    def post(self, request: Request, pk: int) -> Response:
        data = EndorsementReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_review(
            actor=request.user, application_id=pk, **data.validated_data
        )
        return Response(_detail(request, application))


# --- exams (blind) ------------------------------------------------------------------------


class ExamInput(serializers.Serializer[Any]):
    answers = serializers.CharField(max_length=100_000)


class ExamOutput(serializers.Serializer[Any]):
    """What a scorer sees: the code, the category and the answers, never the applicant."""

    exam_code = serializers.CharField()
    category = serializers.ChoiceField(EndorsementCategory.choices)
    answers = serializers.CharField()
    my_score = serializers.IntegerField(allow_null=True)
    scores_in = serializers.IntegerField(help_text="How many scorers have scored (of two).")


def exam_body(exam: Any, actor: Actor) -> dict[str, Any]:
    scores = list(exam.scores.all())
    mine = next((s.score for s in scores if s.scorer_id == actor.pk), None)
    return {
        "exam_code": exam.application.exam_code,
        "category": exam.application.category,
        "answers": exam.answers,
        "my_score": mine,
        "scores_in": len(scores),
    }


class ExamSubmitApi(APIView):
    @extend_schema(request=ExamInput, responses={201: None}, summary="Hand in the exam (applicant, once)")
    def post(self, request: Request, pk: int) -> Response:
        data = ExamInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.exam_submit(actor=request.user, application_id=pk, answers=data.validated_data["answers"])
        return Response(status=201)


class ExamListApi(GenericAPIView[Any]):
    pagination_class = Pagination
    serializer_class = ExamOutput

    @extend_schema(
        responses={200: ExamOutput(many=True)}, summary="Exams to score blind (assigned reviewers)"
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.exams_to_score(actor=request.user))
        return self.get_paginated_response([exam_body(e, request.user) for e in page or []])


class ExamScoreInput(serializers.Serializer[Any]):
    score = serializers.IntegerField(min_value=0, max_value=100)


class ExamScoreApi(APIView):
    @extend_schema(request=ExamScoreInput, responses={201: None}, summary="Score an exam by its code (once)")
    def post(self, request: Request, exam_code: str) -> Response:
        data = ExamScoreInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.exam_score_record(
            actor=request.user, exam_code=exam_code, score=data.validated_data["score"]
        )
        return Response(status=201)


# --- documents ----------------------------------------------------------------------------


class DocumentInput(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="PDF, PNG or JPEG (checked by content), at most 10 MB.")
    kind = serializers.ChoiceField(DocumentKind.choices, required=False, default=DocumentKind.OTHER)


class DocumentOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(DocumentKind.choices)
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class DocumentListApi(GenericAPIView[Any]):
    pagination_class = Pagination
    serializer_class = DocumentOutput
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: DocumentOutput(many=True)}, summary="The provider's portfolio documents")
    def get(self, request: Request) -> Response:
        provider = require_provider(request.user)
        page = self.paginate_queryset(selectors.document_list(provider=provider))
        return self.get_paginated_response(DocumentOutput(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": DocumentInput},
        responses={201: DocumentOutput},
        summary="Upload a document (413 over 10 MB, 415 unless PDF/PNG/JPEG by content)",
    )
    def post(self, request: Request) -> Response:
        require_provider(request.user)
        data = DocumentInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        document = services.document_upload(actor=request.user, upload=v["file"], kind=v["kind"])
        return Response(DocumentOutput(document).data, status=201)


class DocumentDownloadApi(APIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): bytes},
        summary="Read a document (owner, assigned reviewers, curators; audited)",
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        document = services.document_read(actor=request.user, document_id=pk)
        response = FileResponse(document.file.open("rb"), content_type=document.content_type)
        response["Content-Disposition"] = f'attachment; filename="document-{document.pk}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- renewal ------------------------------------------------------------------------------


class RenewalOutput(serializers.Serializer[Any]):
    endorsement = GrantedEndorsementOutput()
    category = serializers.ChoiceField(EndorsementCategory.choices)
    status = serializers.CharField(help_text="current | due (inside the grace period) | lapsed | revoked")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    due_on = serializers.DateField()
    lapses_on = serializers.DateField()
    requirements = EndorsementRequirementOutput(many=True)
    missing = serializers.ListField(child=serializers.CharField())
    open_application = serializers.IntegerField(allow_null=True)


def renewal_body(status: selectors.RenewalStatus) -> dict[str, Any]:
    e = status.endorsement
    return {
        "endorsement": {"id": e.pk, "credential_number": e.credential_number, "expires_on": e.expires_on},
        "category": e.category,
        "status": status.status,
        "period_start": status.period.start,
        "period_end": status.period.end,
        "due_on": status.due_on,
        "lapses_on": status.lapses_on,
        "requirements": status.requirements,
        "missing": status.missing,
        "open_application": status.open_application.pk if status.open_application else None,
    }


class RenewalApi(APIView):
    @extend_schema(
        responses={200: inline_serializer("RenewalList", {"results": RenewalOutput(many=True)})},
        summary="The provider's renewal status for the current period",
    )
    def get(self, request: Request) -> Response:
        provider = require_provider(request.user)
        return Response({"results": [renewal_body(s) for s in selectors.renewal_status(provider=provider)]})


# --- public verification ------------------------------------------------------------------


class VerifyThrottle(AnonRateThrottle):
    """Per client address, for signed-in callers too: a credential number is guessable."""

    scope = "verify"
    rate = getattr(settings, "API_THROTTLE_VERIFY", "30/min")

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if str(self.rate).lower() == "off":
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        if rate is None or rate.lower() == "off":
            return None, None
        return super().parse_rate(rate)


class VerifyOutput(serializers.Serializer[Any]):
    name = serializers.CharField()
    category = serializers.ChoiceField(EndorsementCategory.choices)
    association = serializers.CharField()
    status = serializers.CharField(help_text="verified | expired | revoked")
    valid_through = serializers.DateField()


def verify_body(number: str) -> dict[str, Any]:
    endorsement = selectors.verify_credential(credential_number=number)
    if endorsement is None:
        raise NotFound("Credential")
    return {
        "name": endorsement.provider.name,
        "category": endorsement.category,
        "association": endorsement.issuing_association,
        "status": endorsement.effective_status(),
        "valid_through": endorsement.expires_on,
    }


class VerifyApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]

    @extend_schema(
        responses={200: VerifyOutput}, summary="Verify a credential number (public; 404 if unknown)"
    )
    def get(self, request: Request, credential_number: str) -> Response:
        return Response(verify_body(credential_number))


# --- FHIR ---------------------------------------------------------------------------------


class FhirPractitionerApi(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [FhirJsonRenderer]
    content_negotiation_class = FirstRenderer

    @extend_schema(
        responses={(200, "application/fhir+json"): dict},
        summary="A directory provider as a FHIR R4 Practitioner (a qualification per endorsement)",
    )
    def get(self, request: Request, provider_id: int) -> Response:
        provider = selectors.practitioner(provider_id=provider_id)
        if provider is None:
            raise NotFound("Practitioner")
        return Response(fhir.practitioner(provider))


class FhirVerificationResultApi(APIView):
    permission_classes = [AllowAny]
    # Sequential ids are as guessable as credential numbers: the same per-address budget
    # as public verification (one scope, so the two cannot be added up).
    throttle_classes = [VerifyThrottle]
    renderer_classes = [FhirJsonRenderer]
    content_negotiation_class = FirstRenderer

    @extend_schema(
        responses={(200, "application/fhir+json"): dict},
        summary="An endorsement's verification as a FHIR R4 VerificationResult",
    )
    def get(self, request: Request, endorsement_id: int) -> Response:
        endorsement = selectors.public_endorsement(endorsement_id=endorsement_id)
        if endorsement is None:
            raise NotFound("VerificationResult")
        return Response(fhir.verification_result(endorsement))


def _status_words(code: str) -> str:
    """An application status in the reader's language ("" for none, the code if unknown)."""
    return str(ApplicationStatus(code).label) if code in ApplicationStatus.values else code
