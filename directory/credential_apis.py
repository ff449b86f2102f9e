"""Evidence-based model credentials over the API: the listing's own provider (or a
curator) lists, adds, changes and removes them; curators verify or reject them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from directory import credentials, policies, selectors
from directory.models import CredentialVerification, ModelCredential, ModelStatus


class ModelCredentialInput(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="A model code, e.g. `cpp`, `pcit`, `abc`, `cos`, `hanen`.")
    status = serializers.ChoiceField(choices=ModelStatus.values)
    issuer = serializers.CharField(
        required=False, allow_blank=True, help_text="Defaults to the model's usual issuer."
    )
    credential_number = serializers.CharField(required=False, allow_blank=True)
    expires_on = serializers.DateField(
        required=False, allow_null=True, help_text="Required unless `in_training`; not in the past."
    )


class ModelCredentialOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    provider = serializers.IntegerField(source="provider_id")
    provider_name = serializers.CharField(source="provider.name")
    code = serializers.CharField()
    name = serializers.CharField(help_text="The model's name in the reader's language.")
    status = serializers.ChoiceField(choices=ModelStatus.choices)
    issuer = serializers.CharField()
    credential_number = serializers.CharField()
    expires_on = serializers.DateField(allow_null=True)
    verification = serializers.ChoiceField(choices=CredentialVerification.choices)
    reviewed_by = serializers.SerializerMethodField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    review_note = serializers.CharField(help_text="The curator's note (the reason of a rejection).")

    def get_reviewed_by(self, obj: ModelCredential) -> str | None:
        return obj.reviewed_by.get_username() if obj.reviewed_by is not None else None


class ProviderModelsApi(APIView):
    """A listing's model credentials, whatever their verification: for the provider
    behind it or a curator (others 403, a missing listing 404). ``POST`` adds one or
    changes the one in that model (201 new, 200 changed); either way it waits for a
    curator (``verification: pending``). Bad input: 400 ``invalid`` naming ``field``; the
    same model added by another request at the same moment: 409 ``credential_exists``."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ModelCredentialOutput(many=True), operation_id="providers_models_list")
    def get(self, request: Request, provider_id: int) -> Response:
        policies.access_listing_for_edit(request.user, provider_id)
        found = selectors.model_credentials_of(provider_id=provider_id).select_related("provider")
        return Response(ModelCredentialOutput(found, many=True).data)

    @extend_schema(
        request=ModelCredentialInput,
        responses={200: ModelCredentialOutput, 201: ModelCredentialOutput},
        operation_id="providers_models_save",
        summary="Add or change a model credential (it waits for a curator)",
    )
    def post(self, request: Request, provider_id: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        credential, created = credentials.model_credential_save(
            actor=request.user, provider_id=provider_id, data=dict(data)
        )
        return Response(ModelCredentialOutput(credential).data, status=201 if created else 200)


class ProviderModelRemoveApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={204: None},
        operation_id="providers_models_remove",
        summary="Remove the listing's credential in a model",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="The model code.")],
    )
    def delete(self, request: Request, provider_id: int, code: str) -> Response:
        credentials.model_credential_remove(actor=request.user, provider_id=provider_id, code=code)
        return Response(status=204)


class CurationModelsApi(APIView):
    """Curators: the credentials waiting for verification, oldest first. Others 403."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ModelCredentialOutput(many=True), operation_id="curation_models_list")
    def get(self, request: Request) -> Response:
        policies.require_curator(request.user)
        queue = selectors.model_credentials_for_curation()[:200]
        return Response(ModelCredentialOutput(queue, many=True).data)


class CurationNoteInput(serializers.Serializer[Any]):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=credentials.MAX_NOTE, help_text="Required to reject."
    )


class CurationModelVerifyApi(APIView):
    """Curators: the credential becomes public. 409 ``credential_expired`` past its expiry."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CurationNoteInput, responses=ModelCredentialOutput, operation_id="curation_models_verify"
    )
    def post(self, request: Request, credential_id: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        credential = credentials.model_credential_verify(
            actor=request.user, credential_id=credential_id, note=data.get("note", "")
        )
        return Response(ModelCredentialOutput(credential).data)


class CurationModelRejectApi(APIView):
    """Curators: never public; the reason (``note``, required: 400 naming it) is shown
    to the provider."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CurationNoteInput, responses=ModelCredentialOutput, operation_id="curation_models_reject"
    )
    def post(self, request: Request, credential_id: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        credential = credentials.model_credential_reject(
            actor=request.user, credential_id=credential_id, note=data.get("note", "")
        )
        return Response(ModelCredentialOutput(credential).data)
