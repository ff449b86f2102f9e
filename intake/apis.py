"""REST API for family requests ("Ask for help") and the care coordinators' queue.
Thin: parse, call a service or selector, serialize."""

from __future__ import annotations

from typing import Any

from django.forms import Form
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from intake import selectors, services
from intake.forms import FamilyRequestForm, RouteForm, SignForm
from intake.models import BestTime, ContactMethod, FamilyRequest, Stage
from referral_hub.inputs import bind, refusal, schema_of
from referral_hub.pagination import Pagination
from referrals.models import ReferralStatus

STATUS_CHOICES = [*Stage.choices, *ReferralStatus.choices]
INPUT_CODES = {
    "child": ("child_required", 400),
    "concern": ("concern_required", 400),
    "preferred_language": ("invalid_language", 400),
    "contact_method": ("invalid_contact_method", 400),
    "phone": ("invalid_phone", 400),
    "text_updates": ("invalid_text_updates", 400),
    "email": ("invalid_email", 400),
    "best_time_slots": ("invalid_best_times", 400),
    "password": ("invalid_signature", 400),
    "to_provider": ("unknown_provider", 400),
    "provider": ("unknown_provider", 400),
}


class RequestProviderRef(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    discipline = serializers.CharField()


class RequestChildRef(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RequestOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    child = RequestChildRef(allow_null=True, help_text="null: asked without an account (coordinators only).")
    contact_name = serializers.CharField(
        allow_blank=True, help_text="Whom to ask for, when the family asked without an account."
    )
    provider = RequestProviderRef(
        allow_null=True, help_text="The provider asked, or chosen by a coordinator; null while queued."
    )
    via_coordinator = serializers.BooleanField(help_text="Came through the care coordinators' queue.")
    status = serializers.ChoiceField(
        STATUS_CHOICES,
        help_text="queued (waiting for a coordinator), awaiting_signature (sign for the chosen "
        "provider), withdrawn, or once sent the referral's status (sent, received, accepted...).",
    )
    referral = serializers.IntegerField(source="referral_id", allow_null=True)
    consent = serializers.IntegerField(source="consent_id", allow_null=True)
    consent_text_version = serializers.CharField(allow_blank=True)
    consent_language = serializers.CharField(allow_blank=True)
    concern = serializers.CharField()
    preferred_language = serializers.CharField(
        help_text="ISO 639-1 code of the language to contact the family in."
    )
    preferred_language_label = serializers.CharField(
        help_text="The language's name, in the reader's language."
    )
    contact_method = serializers.ChoiceField(ContactMethod.choices)
    phone = serializers.CharField(
        allow_blank=True, help_text="E.164 (+13135550142); empty when none was given."
    )
    phone_display = serializers.CharField(allow_blank=True, help_text="The phone as a person reads it.")
    email = serializers.CharField(
        allow_blank=True, help_text="Where to write (the account's unless another was given)."
    )
    best_times = serializers.CharField(allow_blank=True)
    best_time_slots = serializers.ListField(child=serializers.ChoiceField(BestTime.choices))
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


def _validated(form: Form) -> dict[str, Any]:
    if not form.is_valid():
        raise refusal(form, INPUT_CODES)
    return dict(form.cleaned_data)


def _page(view: APIView, request: Request, qs: Any) -> tuple[Pagination, list[FamilyRequest]]:
    paginator = Pagination()
    rows: list[FamilyRequest] = paginator.paginate_queryset(qs, request, view=view) or []
    return paginator, rows


class RequestListCreateApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        responses=RequestOutput(many=True),
        summary="The guardian's own requests for help, with their status",
    )
    def get(self, request: Request) -> Response:
        paginator, rows = _page(self, request, selectors.own_requests(actor=request.user))
        services.own_requests_shown(actor=request.user, requests=rows, detail="request list")
        rows = selectors.own_requests_for_output(rows, actor=request.user)
        return paginator.get_paginated_response(RequestOutput(rows, many=True).data)

    @extend_schema(
        request=schema_of(FamilyRequestForm),
        responses={201: RequestOutput},
        summary="Ask for help (guardian): to a provider (signs the consent and sends a referral "
        "with source family) or, with provider null, to the care coordinators' queue",
    )
    def post(self, request: Request) -> Response:
        v = _validated(bind(FamilyRequestForm, request.data))
        created = services.family_request_create(
            actor=request.user,
            child_id=v["child"],
            provider_id=v["provider"],
            concern=v["concern"],
            preferred_language=v["preferred_language"],
            contact_method=v["contact_method"],
            best_times=v["best_times"],
            password=v["password"],
            phone=v["phone"],
            email=v["email"],
            best_time_slots=v["best_time_slots"],
            text_updates=v["text_updates"],
        )
        return Response(RequestOutput(created).data, status=status.HTTP_201_CREATED)


class RequestSignApi(APIView):
    @extend_schema(
        request=schema_of(SignForm),
        responses={200: RequestOutput},
        summary="Sign the consent for the provider a care coordinator chose (guardian); "
        "creates the referral on the family's behalf",
    )
    def post(self, request: Request, request_id: int) -> Response:
        v = _validated(bind(SignForm, request.data))
        signed = services.family_request_sign(
            actor=request.user, request_id=request_id, password=v["password"]
        )
        return Response(RequestOutput(signed).data)


class RequestWithdrawApi(APIView):
    @extend_schema(
        request=None,
        responses={200: RequestOutput},
        summary="Withdraw a request not yet sent to a provider (guardian); 409 invalid_transition after",
    )
    def post(self, request: Request, request_id: int) -> Response:
        withdrawn = services.family_request_withdraw(actor=request.user, request_id=request_id)
        return Response(RequestOutput(withdrawn).data)


class QueueItemOutput(RequestOutput):
    child_date_of_birth = serializers.DateField(source="child.date_of_birth", allow_null=True)
    routed_at = serializers.DateTimeField(allow_null=True)


class CoordinationQueueApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                enum=list(selectors.QUEUE_FILTERS),
                required=False,
                description="open (default): queued and awaiting the family's signature",
            )
        ],
        responses=QueueItemOutput(many=True),
        summary="The care coordinators' queue (coordinators only; 403 coordinator_only)",
    )
    def get(self, request: Request) -> Response:
        services.require_coordinator(request.user)
        qs = selectors.coordination_queue(actor=request.user, status=request.query_params.get("status"))
        paginator, rows = _page(self, request, qs)
        services.coordination_queue_shown(actor=request.user, requests=rows)
        return paginator.get_paginated_response(QueueItemOutput(rows, many=True).data)


class CoordinationQueueDetailApi(APIView):
    @extend_schema(responses=QueueItemOutput, summary="One request in the coordinators' queue")
    def get(self, request: Request, request_id: int) -> Response:
        item = services.coordination_request_open(actor=request.user, request_id=request_id)
        return Response(QueueItemOutput(item).data)


class CoordinationRouteApi(APIView):
    @extend_schema(
        request=schema_of(RouteForm),
        responses={200: QueueItemOutput},
        summary="Route a queued request to a provider; the family is asked to sign the consent",
    )
    def post(self, request: Request, request_id: int) -> Response:
        v = _validated(bind(RouteForm, request.data))
        routed = services.family_request_route(
            actor=request.user, request_id=request_id, to_provider_id=v["to_provider"]
        )
        return Response(QueueItemOutput(routed).data)
