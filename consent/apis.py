"""Consents over HTTP (guardians grant and revoke; guardians and covered providers
read) and the FHIR Consent read. Thin: parse, call a service or selector, serialize."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import selectors as audit_selectors
from audit.models import Action
from consent import selectors, services
from consent.fhir import consent_resource
from consent.forms import ConsentAttestForm, ConsentGrantForm, RevokeForm
from consent.models import (
    CATEGORY_FIELDS,
    PURPOSE_FIELDS,
    Consent,
    ConsentEvent,
    ConsentStatus,
    DataCategory,
    SignatureMethod,
)
from consent.recipients import mask_confidential_actors
from consent.texts import plain_summary
from referral_hub.errors import ApplicationError
from referral_hub.fhir import FhirJsonRenderer, FirstRenderer
from referral_hub.ids import parse_id
from referral_hub.inputs import api_data, bind, refusal, schema_of

# Set by the server, never by the client: sending one is refused (and logged).
READ_ONLY_FIELDS = (
    "id",
    "status",
    "granted_by",
    "valid_from",
    "signed_at",
    "created_at",
    "revoked_at",
    "revoked_by",
    "revoke_reason",
    "signature_method",
    "signed_text",
    "text_version_signed",
    "text_language",
    "attested_by",
)


# Typed enums in the schema; their component names are fixed in SPECTACULAR_SETTINGS
# ``ENUM_NAME_OVERRIDES`` (the referrals API carries other choice sets under the same
# field names).
CATEGORY_HELP = "Data category codes: " + ", ".join(f"`{code}`" for code in CATEGORY_FIELDS) + "."


class ConsentPartyOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ConsentEventOutput(serializers.Serializer[Any]):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField()
    detail = serializers.JSONField()

    def get_actor(self, obj: ConsentEvent) -> str | None:
        if obj.actor is None:
            return None
        return obj.actor.get_full_name() or obj.actor.get_username()


class ConsentOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    child = serializers.IntegerField(source="child_id")
    child_name = serializers.CharField(source="child.name")
    recipient_provider = ConsentPartyOutput(allow_null=True)
    recipient_organization = ConsentPartyOutput(allow_null=True)
    purposes = serializers.ListField(child=serializers.ChoiceField(list(PURPOSE_FIELDS)))
    data_categories = serializers.ListField(
        child=serializers.ChoiceField(DataCategory.choices), help_text=CATEGORY_HELP
    )
    valid_from = serializers.DateTimeField()
    expires_on = serializers.DateField()
    status = serializers.ChoiceField(
        ConsentStatus.choices, help_text="`expired` is computed from `expires_on`; `revoked` is final."
    )
    summary = serializers.SerializerMethodField()
    granted_by = serializers.SerializerMethodField()
    signature_method = serializers.ChoiceField(SignatureMethod.choices)
    paper_form_reference = serializers.CharField()
    text_version = serializers.CharField()
    text_language = serializers.CharField(help_text="The language the text was signed in (en or es).")
    signed_text = serializers.CharField()
    signed_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoke_reason = serializers.CharField()
    events = ConsentEventOutput(many=True, source="events.all")

    def get_summary(self, obj: Consent) -> str:
        return plain_summary(obj)

    def get_granted_by(self, obj: Consent) -> str:
        return str(obj.granted_by)


# Input refusals keep the codes the API has always answered with (docs/API.md).
GRANT_INPUT_CODES: dict[str, tuple[str, int]] = {
    "child": ("not_found", 404),
    "recipient_provider": ("unknown_recipient", 400),
    "recipient_organization": ("unknown_recipient", 400),
    "purposes": ("unknown_purpose", 400),
    "data_categories": ("unknown_data_category", 400),
    "expires_on": ("invalid_expiry", 400),
    "password": ("invalid_signature", 400),
}
ATTEST_INPUT_CODES: dict[str, tuple[str, int]] = {
    **GRANT_INPUT_CODES,
    "guardian": ("unknown_guardian", 400),
    "signature_method": ("invalid_signature_method", 400),
    "paper_form_reference": ("form_reference_required", 400),
}


class ConsentsApi(GenericAPIView[Any]):
    serializer_class = ConsentOutput

    @extend_schema(
        parameters=[OpenApiParameter("child", int, description="Only this child's consents.")],
        responses=ConsentOutput(many=True),
        summary="Consents I may see (guardian: all of my family's, any state; provider: active ones covering me)",
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("child")
        child_id = None
        if raw not in (None, ""):
            child_id = parse_id(raw)
            if child_id is None:
                raise ApplicationError(
                    "invalid_parameter", "child must be an integer id.", extra={"parameter": "child"}
                )
        page = self.paginate_queryset(selectors.consent_list(actor=request.user, child_id=child_id)) or []
        services.consents_shown(actor=request.user, consents=page)
        return self.get_paginated_response(ConsentOutput(page, many=True).data)

    @extend_schema(
        request=schema_of(ConsentGrantForm),
        responses={
            201: ConsentOutput,
            400: OpenApiResponse(description="unknown_recipient, unknown_purpose, invalid_expiry, ..."),
            403: OpenApiResponse(description="guardian_only, no_legal_authority"),
            404: OpenApiResponse(description="The child is not in your family"),
        },
        summary="Grant a consent (guardian; e-signature by re-entering the password)",
    )
    def post(self, request: Request) -> Response:
        body = api_data(request.data)
        forbidden = [name for name in READ_ONLY_FIELDS if name in body]
        if forbidden:
            services.consent_input_refuse(
                actor=request.user,
                error=ApplicationError(
                    "read_only_field", f"{forbidden[0]} is set by the server.", extra={"field": forbidden[0]}
                ),
                child_id=body.get("child"),
            )
        form = bind(ConsentGrantForm, body)
        if not form.is_valid():
            services.consent_input_refuse(
                actor=request.user, error=refusal(form, GRANT_INPUT_CODES), child_id=body.get("child")
            )
        valid = form.cleaned_data
        consent = services.consent_grant(
            actor=request.user,
            child_id=valid["child"],
            recipient_provider_id=valid["recipient_provider"],
            recipient_organization_id=valid["recipient_organization"],
            purposes=valid["purposes"],
            data_categories=valid["data_categories"],
            expires_on=valid["expires_on"],
            password=valid["password"],
            text_version=valid["text_version"] or None,
        )
        consent = selectors.consent_list(actor=request.user).get(pk=consent.pk)
        return Response(ConsentOutput(consent).data, status=status.HTTP_201_CREATED)


class ConsentRevokeApi(APIView):
    @extend_schema(
        request=schema_of(RevokeForm),
        responses={200: ConsentOutput},
        summary="Revoke a consent (guardian); effective at once; 400 already_revoked the second time",
    )
    def post(self, request: Request, consent_id: int) -> Response:
        form = bind(RevokeForm, request.data)
        if not form.is_valid():
            raise refusal(form, {"reason": ("invalid_reason", 400)})
        services.consent_revoke(actor=request.user, consent_id=consent_id, reason=form.cleaned_data["reason"])
        consent = selectors.consent_list(actor=request.user).get(pk=consent_id)
        return Response(ConsentOutput(consent).data)


class FhirConsentApi(APIView):
    renderer_classes = [FhirJsonRenderer]
    content_negotiation_class = FirstRenderer

    @extend_schema(
        responses={(200, "application/fhir+json"): dict},
        summary="A consent as a FHIR R4 Consent (the guardian, or a provider it covers now)",
    )
    def get(self, request: Request, consent_id: int) -> Response:
        consent = services.consent_fhir_open(actor=request.user, consent_id=consent_id)
        return Response(consent_resource(consent))


class ConsentAttestApi(APIView):
    @extend_schema(
        request=schema_of(ConsentAttestForm),
        responses={
            201: ConsentOutput,
            400: OpenApiResponse(description="form_reference_required, invalid_expiry, ..."),
            404: OpenApiResponse(description="Not a child of a family you invited"),
            409: OpenApiResponse(
                description="guardian_revoked: a guardian revoked your access; only they can grant it again"
            ),
        },
        summary="Record a paper or verbal consent to me (provider; only for a family I invited; "
        "the guardians are notified)",
    )
    def post(self, request: Request) -> Response:
        body = api_data(request.data)
        form = bind(ConsentAttestForm, body)
        if not form.is_valid():
            services.consent_input_refuse(
                actor=request.user, error=refusal(form, ATTEST_INPUT_CODES), child_id=body.get("child")
            )
        valid = form.cleaned_data
        consent = services.consent_attest(
            actor=request.user,
            child_id=valid["child"],
            guardian_id=valid["guardian"],
            signature_method=valid["signature_method"],
            paper_form_reference=valid["paper_form_reference"],
            purposes=valid["purposes"],
            data_categories=valid["data_categories"],
            expires_on=valid["expires_on"],
        )
        consent = selectors.consent_list(actor=request.user).get(pk=consent.pk)
        return Response(ConsentOutput(consent).data, status=status.HTTP_201_CREATED)


class AccessLogEntryOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    who = serializers.CharField(source="actor_label")
    action = serializers.ChoiceField(Action.choices)
    data_category = serializers.CharField()
    purpose = serializers.CharField()
    consent = serializers.IntegerField(source="consent_id", allow_null=True)
    outcome = serializers.CharField()
    object_type = serializers.CharField()
    request_id = serializers.CharField()


class AccessLogApi(GenericAPIView[Any]):
    """The guardian's accounting of disclosures for their child (the gate is consent's;
    the rows are audit's)."""

    serializer_class = AccessLogEntryOutput

    @extend_schema(
        responses=AccessLogEntryOutput(many=True),
        summary="Who saw or changed my child's information, when and why (guardian)",
    )
    def get(self, request: Request, child_id: int) -> Response:
        child = services.access_log_open(actor=request.user, child_id=child_id)
        page = self.paginate_queryset(audit_selectors.child_access_log(child_id=child.pk)) or []
        shown = mask_confidential_actors(list(page), child_id=child.pk, viewer_id=request.user.pk)
        return self.get_paginated_response(AccessLogEntryOutput(shown, many=True).data)
