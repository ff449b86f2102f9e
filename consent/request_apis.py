"""Consent requests over HTTP: a provider asks, the guardian lists, signs or declines.
Thin: parse, call a service or selector, serialize."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from consent import requests, selectors
from consent.apis import CATEGORY_HELP
from consent.forms import ConsentRequestDeclineForm, ConsentRequestForm, ConsentRequestSignForm
from consent.models import PURPOSE_FIELDS, ConsentRequest, ConsentRequestStatus, DataCategory
from referral_hub.errors import ApplicationError
from referral_hub.inputs import api_data, bind, refusal, schema_of

CREATE_INPUT_CODES: dict[str, tuple[str, int]] = {
    "child": ("not_found", 404),
    "provider": ("unknown_recipient", 400),
    "purposes": ("unknown_purpose", 400),
    "data_categories": ("unknown_data_category", 400),
    "note": ("invalid_note", 400),
}
SIGN_INPUT_CODES: dict[str, tuple[str, int]] = {
    "password": ("invalid_signature", 400),
    "expires_on": ("invalid_expiry", 400),
    "text_version": ("text_version_changed", 409),
}


class PartyOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    organization = serializers.CharField(source="organization.name", default="")


# Shown only while the decision point lets the reader see the child (``child_visible``).
CHILD_FIELDS = ("child", "child_name", "note", "purposes", "data_categories")


class ConsentRequestOutput(serializers.Serializer[Any]):
    """Once no consent lets the provider who asked see the child any more, their request
    stays in their list as a stub: ``restricted: true``, and ``child``, ``child_name``,
    ``note`` null and ``purposes``/``data_categories`` empty."""

    id = serializers.IntegerField()
    restricted = serializers.SerializerMethodField()
    child = serializers.IntegerField(source="child_id", allow_null=True)
    child_name = serializers.CharField(source="child.name", allow_null=True)
    requested_by = PartyOutput()
    provider = PartyOutput(help_text="Who the family is asked to share with.")
    purposes = serializers.ListField(child=serializers.ChoiceField(list(PURPOSE_FIELDS)))
    data_categories = serializers.ListField(
        child=serializers.ChoiceField(DataCategory.choices), help_text=CATEGORY_HELP
    )
    note = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(ConsentRequestStatus.choices)
    created_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    consent = serializers.IntegerField(
        source="consent_id", allow_null=True, help_text="The consent created when signed."
    )

    def get_restricted(self, row: ConsentRequest) -> bool:
        return not requests.child_shown(row)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not requests.child_shown(instance):
            for name in CHILD_FIELDS:
                data[name] = [] if name in ("purposes", "data_categories") else None
        return data


class ConsentRequestsApi(GenericAPIView[Any]):
    serializer_class = ConsentRequestOutput

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=ConsentRequestStatus.values, description="Only this state.")
        ],
        responses=ConsentRequestOutput(many=True),
        summary="Consent requests (guardian: about my family's children; provider: the ones I made)",
    )
    def get(self, request: Request) -> Response:
        wanted = request.query_params.get("status") or None
        if wanted is not None and wanted not in ConsentRequestStatus.values:
            raise ApplicationError(
                "invalid_parameter",
                f"status must be one of {', '.join(ConsentRequestStatus.values)}.",
                extra={"parameter": "status"},
            )
        page = self.paginate_queryset(selectors.consent_request_list(actor=request.user, status=wanted)) or []
        requests.consent_requests_shown(actor=request.user, rows=page)
        return self.get_paginated_response(ConsentRequestOutput(page, many=True).data)

    @extend_schema(
        request=schema_of(ConsentRequestForm),
        responses={
            201: ConsentRequestOutput,
            400: OpenApiResponse(
                description="unknown_recipient, unknown_purpose, unknown_data_category, "
                "purposes_required, data_categories_required, recipient_is_requester, invalid_note"
            ),
            403: OpenApiResponse(description="provider_only"),
            404: OpenApiResponse(description="not_found: a child no consent lets you see"),
            409: OpenApiResponse(
                description="consent_request_pending (already asked, no answer yet), "
                "already_covered (a consent already covers this)"
            ),
        },
        summary="Ask a child's family to share with a provider (a provider a consent covers for the child)",
    )
    def post(self, request: Request) -> Response:
        body = api_data(request.data)
        form = bind(ConsentRequestForm, body)
        if not form.is_valid():
            error = refusal(form, CREATE_INPUT_CODES)
            requests.consent_request_refuse(actor=request.user, error=error, child_id=body.get("child"))
        valid = form.cleaned_data
        created = requests.consent_request_create(
            actor=request.user,
            child_id=valid["child"],
            provider_id=valid["provider"],
            purposes=valid["purposes"],
            data_categories=valid["data_categories"],
            note=valid["note"],
        )
        row = selectors.consent_request_list(actor=request.user).get(pk=created.pk)
        return Response(ConsentRequestOutput(row).data, status=status.HTTP_201_CREATED)


class ConsentRequestSignApi(APIView):
    @extend_schema(
        request=schema_of(ConsentRequestSignForm),
        responses={
            200: ConsentRequestOutput,
            400: OpenApiResponse(description="invalid_signature (wrong password), invalid_expiry"),
            403: OpenApiResponse(description="guardian_only, no_legal_authority"),
            404: OpenApiResponse(description="not_found: not a request about your family"),
            409: OpenApiResponse(description="request_answered, text_version_changed"),
        },
        summary="Sign a consent request (guardian): grants the consent asked for, like a portal consent",
    )
    def post(self, request: Request, request_id: int) -> Response:
        form = bind(ConsentRequestSignForm, request.data)
        if not form.is_valid():
            requests.consent_request_refuse(
                actor=request.user, error=refusal(form, SIGN_INPUT_CODES), request_id=request_id
            )
        valid = form.cleaned_data
        requests.consent_request_sign(
            actor=request.user,
            request_id=request_id,
            password=valid["password"],
            expires_on=valid["expires_on"],
            text_version=valid["text_version"] or None,
        )
        row = selectors.consent_request_list(actor=request.user).get(pk=request_id)
        return Response(ConsentRequestOutput(row).data)


class ConsentRequestDeclineApi(APIView):
    @extend_schema(
        request=schema_of(ConsentRequestDeclineForm),
        responses={
            200: ConsentRequestOutput,
            403: OpenApiResponse(description="guardian_only, no_legal_authority"),
            404: OpenApiResponse(description="not_found: not a request about your family"),
            409: OpenApiResponse(description="request_answered"),
        },
        summary="Decline a consent request (guardian): nothing is shared; the provider who asked is told",
    )
    def post(self, request: Request, request_id: int) -> Response:
        form = bind(ConsentRequestDeclineForm, request.data)
        if not form.is_valid():
            requests.consent_request_refuse(
                actor=request.user,
                error=refusal(form, {"reason": ("invalid_reason", 400)}),
                request_id=request_id,
            )
        requests.consent_request_decline(
            actor=request.user, request_id=request_id, reason=form.cleaned_data["reason"]
        )
        row = selectors.consent_request_list(actor=request.user).get(pk=request_id)
        return Response(ConsentRequestOutput(row).data)
