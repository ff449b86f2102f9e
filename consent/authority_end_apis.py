"""Ending an authority early over HTTP (staff or a coordinator). Thin: bind the input,
call ``consent.authority_end.authority_end``, serialize."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from consent.authority_end import AuthorityEndForm, authority_end, authority_end_refuse
from families.models import AuthorityBasis
from referral_hub.inputs import bind, refusal, schema_of


class EndedAuthorityOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    child = serializers.IntegerField(source="child_id")
    holder = serializers.IntegerField(source="holder_id")
    basis = serializers.ChoiceField(AuthorityBasis.choices)
    purposes = serializers.ListField(child=serializers.CharField())
    order_number = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    end_note = serializers.CharField()
    rechecked_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the consents it stood behind were re-checked: set at once for an end "
        "that is now; by the every-minute job for a later end.",
    )


class AuthorityEndApi(APIView):
    @extend_schema(
        request=schema_of(AuthorityEndForm),
        responses={
            200: EndedAuthorityOutput,
            400: OpenApiResponse(
                description="note_required, invalid_note (over 300 characters), invalid_end"
            ),
            404: OpenApiResponse(description="No such authority, or not staff or a coordinator"),
            409: OpenApiResponse(description="authority_ended: it has already ended"),
        },
        summary="End an authority early (staff or coordinator; e.g. custody moved to the agency). "
        "The consents given under it that no authority now stands behind end like a revocation, "
        "and the people who hold authority now are asked to sign again",
    )
    def post(self, request: Request, authority_id: int) -> Response:
        form = bind(AuthorityEndForm, request.data)
        if not form.is_valid():
            authority_end_refuse(
                actor=request.user,
                authority_id=authority_id,
                error=refusal(form, {"note": ("invalid_note", 400), "ends_at": ("invalid_end", 400)}),
            )
        authority = authority_end(
            actor=request.user,
            authority_id=authority_id,
            ends_at=form.cleaned_data["ends_at"],
            note=form.cleaned_data["note"],
        )
        return Response(EndedAuthorityOutput(authority).data)
