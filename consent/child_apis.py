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

from audit.models import Action
from audit.services import audit_denied, audit_record, audit_record_many
from consent import policies
from consent.models import PURPOSE_FIELDS, Consent
from families import services
from families.models import Child
from referral_hub.errors import ApplicationError
from referral_hub.ids import id_for_lookup

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


def access_purposes(child: policies.VisibleChild, purpose: str | None, consents: dict[int, Consent]) -> str:
    """What the access log records as the purpose: the one asked for, else what the
    consent that allowed it covers (empty for a guardian's own reads)."""
    if purpose:
        return purpose
    consent = consents.get(child.access_consent_id) if child.access_consent_id is not None else None
    return ",".join(consent.purposes) if consent else ""


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


class ChildrenApi(GenericAPIView[Any]):
    serializer_class = ChildOutput

    class ChildCreateInput(serializers.Serializer[Any]):
        first_name = serializers.CharField(max_length=100)
        last_name = serializers.CharField(max_length=100)
        date_of_birth = serializers.DateField()
        preferred_language = serializers.CharField(max_length=8, required=False, default="en")
        pronouns = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")

    @extend_schema(
        parameters=[PURPOSE_PARAM],
        responses=ChildOutput(many=True),
        summary="Children I may see (guardian: my family's; provider: covered by an active consent)",
    )
    def get(self, request: Request) -> Response:
        purpose = parse_purpose(request)
        queryset = policies.visible_children(request.user, purpose=purpose, categories=["demographics"])
        page = self.paginate_queryset(queryset) or []
        consents = Consent.objects.in_bulk([c.access_consent_id for c in page if c.access_consent_id])
        audit_record_many(
            actor=request.user,
            action=Action.VIEW,
            entries=[
                {
                    "child_id": child.pk,
                    "data_category": "demographics",
                    "purpose": access_purposes(child, purpose, consents),
                    "consent_id": child.access_consent_id,
                    "object_type": "child",
                    "object_id": child.pk,
                    "detail": "children list",
                }
                for child in page
            ],
        )
        return self.get_paginated_response(ChildOutput(page, many=True).data)

    @extend_schema(
        request=ChildCreateInput,
        responses={201: ChildOutput},
        summary="Add a child to my family (guardian); 409 duplicate_child for the same name and birth date",
    )
    def post(self, request: Request) -> Response:
        data = self.ChildCreateInput(data=request.data)
        if not data.is_valid():
            audit_denied(
                actor=request.user, action=Action.CREATE, object_type="child", detail="invalid input"
            )
            data.is_valid(raise_exception=True)
        try:
            child = services.child_create(actor=request.user, **data.validated_data)
        except ApplicationError as exc:
            audit_denied(
                actor=request.user,
                action=Action.CREATE,
                object_type="child",
                detail=f"{exc.code}: {exc.message}",
            )
            raise
        child.is_own = True  # type: ignore[attr-defined]  # a new child is its guardian's own, as visible_children annotates
        return Response(ChildOutput(child).data, status=status.HTTP_201_CREATED)


class ChildDetailApi(APIView):
    @extend_schema(
        parameters=[PURPOSE_PARAM], responses=ChildOutput, summary="One child (404 if not mine to see)"
    )
    def get(self, request: Request, child_id: int) -> Response:
        purpose = parse_purpose(request)
        try:
            child = policies.access_child(request.user, child_id, purpose, "demographics")
        except ApplicationError:
            audit_denied(
                actor=request.user,
                action=Action.VIEW,
                child_id=Child.objects.filter(pk=id_for_lookup(child_id))
                .values_list("pk", flat=True)
                .first(),
                data_category="demographics",
                purpose=purpose or "",
                object_type="child",
                object_id=child_id,
            )
            raise
        consents = Consent.objects.in_bulk([child.access_consent_id] if child.access_consent_id else [])
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            child=child,
            data_category="demographics",
            purpose=access_purposes(child, purpose, consents),
            consent_id=child.access_consent_id,
            object_type="child",
            object_id=child.pk,
        )
        return Response(ChildOutput(child).data)
