"""The access log over HTTP: a guardian's accounting of disclosures for their child, and
the curators' CSV export of a period."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import selectors
from audit.models import Action
from audit.services import audit_denied, audit_record
from families.models import Child
from people.roles import is_curator
from referral_hub.errors import ApplicationError


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


def guardian_child(request: Request, child_id: int) -> Child:
    """Only the child's own guardians read the log; everyone else gets the same 404."""
    from consent.policies import access_child
    from referral_hub.ids import id_for_lookup

    try:
        child = access_child(request.user, child_id)
        if not child.is_own:
            raise ApplicationError("not_found", "Child not found.", status=404)
    except ApplicationError:
        audit_denied(
            actor=request.user,
            action=Action.VIEW,
            child_id=Child.objects.filter(pk=id_for_lookup(child_id)).values_list("pk", flat=True).first(),
            object_type="access_log",
            object_id=child_id,
        )
        raise
    return child


class AccessLogApi(GenericAPIView[Any]):
    serializer_class = AccessLogEntryOutput

    @extend_schema(
        responses=AccessLogEntryOutput(many=True),
        summary="Who saw or changed my child's information, when and why (guardian)",
    )
    def get(self, request: Request, child_id: int) -> Response:
        child = guardian_child(request, child_id)
        page = self.paginate_queryset(selectors.child_access_log(child_id=child.pk))
        data = AccessLogEntryOutput(page, many=True).data
        audit_record(
            actor=request.user, action=Action.VIEW, child=child, object_type="access_log", object_id=child.pk
        )
        return self.get_paginated_response(data)


def export_response(request: HttpRequest, start: str | None, end: str | None) -> StreamingHttpResponse:
    """Curators only (403 ``curator_only``); the export itself is logged."""
    if not is_curator(request.user):
        audit_denied(
            actor=request.user, action=Action.EXPORT, object_type="audit_log", detail="not a curator"
        )
        raise ApplicationError("curator_only", "Only curators may export the access log.", status=403)
    first, last = selectors.parse_period(start, end)
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        object_type="audit_log",
        detail=f"CSV export {first.isoformat()}..{last.isoformat()}",
    )
    response = StreamingHttpResponse(
        selectors.csv_rows(selectors.audit_period(first, last)), content_type="text/csv"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="access-log-{first.isoformat()}-{last.isoformat()}.csv"'
    )
    return response


class CsvRenderer(BaseRenderer):
    """Lets ``Accept: text/csv`` through negotiation; the body is streamed by the view
    (errors, rare here, are rendered as JSON text)."""

    media_type = "text/csv"
    format = "csv"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return JSONRenderer().render(data)


class AuditExportApi(APIView):
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description="First day (UTC), default 30 days ago."),
            OpenApiParameter(
                "end", OpenApiTypes.DATE, description="Last day (UTC), inclusive, default today."
            ),
        ],
        responses={(200, "text/csv"): OpenApiTypes.STR},
        summary="Export the access log of a period as CSV (curator)",
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        return export_response(request, request.query_params.get("start"), request.query_params.get("end"))
