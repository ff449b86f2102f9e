"""Who may consent for a child, over HTTP: ``/api/v1/children/{id}/authority/`` and
``/api/v1/children/{id}/restrictions/``, and the orders' documents they name
(``/api/v1/documents/``). Thin: ask the service who may read or record, bind the form,
call the service, serialize."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from consent import authority_services as services
from consent.authority_forms import (
    INPUT_CODES,
    AuthorityRecordApiForm,
    RestrictionRecordForm,
)
from consent.models import Purpose
from families.models import AuthorityBasis, Relationship, RestrictionKind
from referral_hub.inputs import api_data, bind, refusal, schema_of


class RestrictionOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    person = serializers.IntegerField(help_text="The restricted person's user id.")
    holder = serializers.IntegerField(help_text="Their household-member (guardian) id.")
    name = serializers.CharField()
    relationship = serializers.ChoiceField(Relationship.choices)
    kind = serializers.ChoiceField(RestrictionKind.choices)
    kind_words = serializers.CharField(help_text="The restriction in the reader's words.")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    in_force = serializers.BooleanField()
    order_number = serializers.CharField(
        allow_blank=True, help_text="Empty for a household member reading another person's order."
    )
    has_document = serializers.BooleanField()
    document = serializers.IntegerField(
        allow_null=True, help_text="The order's document id (recorders only; null for anyone else)."
    )


class AuthorityOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    person = serializers.IntegerField(help_text="The holder's user id.")
    holder = serializers.IntegerField(help_text="The holder's household-member (guardian) id.")
    name = serializers.CharField()
    relationship = serializers.ChoiceField(Relationship.choices)
    basis = serializers.ChoiceField(AuthorityBasis.choices)
    basis_words = serializers.CharField(
        help_text="The basis in the reader's words (\"as the child's legal guardian under order no. ...\")."
    )
    scope = serializers.ListField(
        child=serializers.ChoiceField(Purpose.choices), help_text="Purposes a delegation covers; empty: all."
    )
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    in_force = serializers.BooleanField()
    order_number = serializers.CharField(allow_blank=True)
    has_document = serializers.BooleanField(help_text="The order's document is on file.")
    document = serializers.IntegerField(
        allow_null=True, help_text="The order's document id (recorders only; null for anyone else)."
    )
    restrictions = serializers.ListField(
        child=serializers.ChoiceField(RestrictionKind.choices),
        help_text="Restrictions in force on the holder that the reader may see.",
    )


class OrderDocumentInput(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="The order: a PDF, PNG or JPEG (checked by content), at most 10 MB."
    )


class OrderDocumentOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="Name it as `document` when recording.")
    name = serializers.CharField(help_text="The uploaded file's name.")
    content_type = serializers.CharField(help_text="As read from the content.")
    size = serializers.IntegerField(help_text="Bytes.")
    sha256 = serializers.CharField()


def _document_id() -> serializers.Field[Any, Any, Any, Any]:
    return serializers.IntegerField(
        required=False,
        help_text="The id of the order's document you uploaded (POST /api/v1/documents/): required for "
        "legal_guardian, agency_custody, delegated, with restrictions, and for every restriction.",
    )


def _document_file() -> serializers.Field[Any, Any, Any, Any]:
    return serializers.FileField(
        required=False,
        help_text="The order itself (PDF, PNG or JPEG by content, at most 10 MB), or the id of one you uploaded.",
    )


def _input(
    form_class: type[forms.Form], suffix: str, document: Callable[[], serializers.Field[Any, Any, Any, Any]]
) -> Any:
    """The request body a form binds, for the schema (``referral_hub.inputs.schema_of``),
    with ``document`` as the body carries it (an id in JSON, a file or an id in multipart)."""
    base = schema_of(form_class)
    # A serializer orders its fields by when they were made: ``document`` made in its place.
    fields = {
        name: document() if name == "document" else field for name, field in base().get_fields().items()
    }
    return type(base.__name__ + suffix, (serializers.Serializer,), {**fields, "__doc__": base.__doc__})


AUTHORITY_BODY = {
    "application/json": _input(AuthorityRecordApiForm, "", _document_id),
    "multipart/form-data": _input(AuthorityRecordApiForm, "Multipart", _document_file),
}
RESTRICTION_BODY = {
    "application/json": _input(RestrictionRecordForm, "", _document_id),
    "multipart/form-data": _input(RestrictionRecordForm, "Multipart", _document_file),
}

REFUSALS = (
    "403 recorder_only (not staff or a coordinator); 404 (no such child, or not in the "
    "coordinator's queue); 400 with field: document_required, unknown_document (an id "
    "that does not exist or that someone else uploaded), invalid_document (an uploaded "
    "file), order_number_required, unknown_person, invalid_period"
)


def _bound(form_class: type[forms.Form], request: Request) -> dict[str, Any]:
    """The form bound to a multipart body (with its document) or a JSON one, validated."""
    form = (
        form_class(api_data(request.data), request.FILES)
        if request.content_type.startswith("multipart/")
        else bind(form_class, request.data)
    )
    if not form.is_valid():
        raise refusal(form, INPUT_CODES)
    return dict(form.cleaned_data)


def _reader(request: Request, child_id: int, what: str) -> services.Reader:
    reader = services.access_authority_list(request.user, child_id)
    services.authority_list_shown(actor=request.user, child=reader.child, what=what)
    return reader


def _order(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "starts_at": values["starts_at"],
        "ends_at": values["ends_at"],
        "order_number": values["order_number"],
        "document": values["document"],
    }


class OrderDocumentsApi(APIView):
    @extend_schema(
        request={"multipart/form-data": OrderDocumentInput},
        responses={201: OrderDocumentOutput},
        summary="Upload a court order's or delegation's document (staff or a coordinator), "
        "to name by its id when recording",
        description="403 recorder_only (not staff or a coordinator); 400 with field `file`: "
        "document_required (no file), invalid_document (not a PDF, PNG or JPEG by content, "
        "or over 10 MB). Only its uploader may name the document afterwards.",
    )
    def post(self, request: Request) -> Response:
        document = services.order_document_upload(actor=request.user, upload=request.FILES.get("file"))
        return Response(OrderDocumentOutput(document).data, status=status.HTTP_201_CREATED)


class AuthorityApi(APIView):
    @extend_schema(
        responses=AuthorityOutput(many=True),
        summary="Who may consent for the child, on what basis (the household and staff or "
        "coordinators; anyone else 404)",
    )
    def get(self, request: Request, child_id: int) -> Response:
        reader = _reader(request, child_id, "authority")
        rows = services.authority_rows(reader, services.restriction_rows(reader))
        return Response(AuthorityOutput(rows, many=True).data)

    @extend_schema(
        request=AUTHORITY_BODY,
        responses={201: AuthorityOutput},
        summary="Record who may consent for the child (staff or a coordinator, with the order)",
        description=REFUSALS + ", scope_required (delegated), invalid_scope, invalid_basis, "
        "invalid_kind (restrictions). `restrictions`: what the same order puts on the holder, "
        "recorded with the authority in one transaction.",
    )
    def post(self, request: Request, child_id: int) -> Response:
        child = services.access_recording(request.user, child_id)
        values = _bound(AuthorityRecordApiForm, request)
        authority = services.authority_record(
            actor=request.user,
            child_id=child.pk,
            holder_id=services.guardian_for_person(child, values["person"]),
            basis=values["basis"],
            purposes=values["scope"],
            restrictions=values["restrictions"],
            **_order(values),
        )
        reader = services.Reader(child=child, guardian=None)
        row = next(
            r
            for r in services.authority_rows(reader, services.restriction_rows(reader))
            if r.id == authority.pk
        )
        return Response(AuthorityOutput(row).data, status=status.HTTP_201_CREATED)


class RestrictionsApi(APIView):
    @extend_schema(
        responses=RestrictionOutput(many=True),
        summary="Court orders' restrictions on the child's household members (as authority's GET)",
    )
    def get(self, request: Request, child_id: int) -> Response:
        reader = _reader(request, child_id, "restriction")
        return Response(RestrictionOutput(services.restriction_rows(reader), many=True).data)

    @extend_schema(
        request=RESTRICTION_BODY,
        responses={201: RestrictionOutput},
        summary="Record a court order's restriction on a household member (staff or a coordinator)",
        description=REFUSALS + ", invalid_kind.",
    )
    def post(self, request: Request, child_id: int) -> Response:
        child = services.access_recording(request.user, child_id)
        values = _bound(RestrictionRecordForm, request)
        restriction = services.restriction_record(
            actor=request.user,
            child_id=child.pk,
            person_id=services.guardian_for_person(child, values["person"]),
            kind=values["kind"],
            **_order(values),
        )
        rows = services.restriction_rows(services.Reader(child=child, guardian=None))
        return Response(
            RestrictionOutput(next(r for r in rows if r.id == restriction.pk)).data,
            status=status.HTTP_201_CREATED,
        )
