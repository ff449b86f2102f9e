"""Children over HTTP: guardians see and add their own; providers see the children an
active consent covers (``consent/policies.py`` decides). Every read is audited."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from consent import policies
from consent import services as consent_services
from consent.models import PURPOSE_FIELDS
from families import services
from families.forms import LANGUAGE_CHOICES, ChildForm
from families.models import Child
from referral_hub.errors import ApplicationError
from referral_hub.inputs import bind, refusal

PURPOSE_PARAM = OpenApiParameter(
    "purpose",
    str,
    enum=list(PURPOSE_FIELDS),
    description="Providers: the purpose of this access (recorded in the access log). "
    "Default: any purpose the covering consent allows.",
)


def parse_purpose(request: Request) -> str | None:
    purpose = request.query_params.get("purpose") or None
    if purpose is not None and purpose not in PURPOSE_FIELDS:
        raise ApplicationError(
            "invalid_parameter", f"Unknown purpose: {purpose}.", extra={"parameter": "purpose"}
        )
    return purpose


class ChildOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    name = serializers.CharField()
    date_of_birth = serializers.DateField()
    preferred_language = serializers.CharField()
    pronouns = serializers.CharField()
    access = serializers.SerializerMethodField(
        help_text='How the caller may see this child: {"via": "guardian"} or {"via": "consent", "consent": id}.'
    )

    def get_access(self, obj: Child) -> dict[str, Any]:
        if getattr(obj, "is_own", False):
            return {"via": "guardian", "consent": None}
        return {"via": "consent", "consent": getattr(obj, "access_consent_id", None)}


class ChildCreateInput(serializers.Serializer[Any]):
    """The schema of ``families.forms.ChildForm``, which checks the request."""

    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField()
    preferred_language = serializers.CharField(
        max_length=8,
        required=False,
        default="en",
        help_text="ISO 639-1: " + ", ".join(code for code, _name in LANGUAGE_CHOICES) + ".",
    )
    pronouns = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class ChildrenApi(GenericAPIView[Any]):
    serializer_class = ChildOutput

    @extend_schema(
        parameters=[PURPOSE_PARAM],
        responses=ChildOutput(many=True),
        summary="Children I may see (guardian: my family's; provider: covered by an active consent)",
    )
    def get(self, request: Request) -> Response:
        purpose = parse_purpose(request)
        queryset = policies.visible_children(request.user, purpose=purpose, categories=["demographics"])
        page = self.paginate_queryset(queryset) or []
        consent_services.children_shown(actor=request.user, children=page, purpose=purpose)
        return self.get_paginated_response(ChildOutput(page, many=True).data)

    @extend_schema(
        request=ChildCreateInput,
        responses={201: ChildOutput},
        summary="Add a child to my family (guardian); 409 duplicate_child for the same name and birth date",
    )
    def post(self, request: Request) -> Response:
        form = bind(ChildForm, request.data)
        if not form.is_valid():
            services.child_input_refuse(actor=request.user, error=refusal(form, {}))
        child = services.child_create(actor=request.user, **form.cleaned_data)
        child.is_own = True  # type: ignore[attr-defined]  # a new child is its guardian's own, as visible_children annotates
        return Response(ChildOutput(child).data, status=status.HTTP_201_CREATED)


class ChildDetailApi(APIView):
    @extend_schema(
        parameters=[PURPOSE_PARAM], responses=ChildOutput, summary="One child (404 if not mine to see)"
    )
    def get(self, request: Request, child_id: int) -> Response:
        purpose = parse_purpose(request)
        child = consent_services.child_open(actor=request.user, child_id=child_id, purpose=purpose)
        return Response(ChildOutput(child).data)
