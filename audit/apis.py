"""The curators' CSV export of the access log over HTTP. (A guardian's accounting of
disclosures for their child is served by the consent app, which owns the gate.)"""

from __future__ import annotations

from django.http import HttpRequest, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from audit import selectors, services
from referral_hub.renderers import CsvRenderer


def export_response(request: HttpRequest, start: str | None, end: str | None) -> StreamingHttpResponse:
    """Curators only (403 ``curator_only``); the export itself is logged by the service."""
    first, last = services.audit_export_open(actor=request.user, start=start, end=end)
    response = StreamingHttpResponse(
        selectors.csv_rows(selectors.audit_period(first, last)), content_type="text/csv"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="access-log-{first.isoformat()}-{last.isoformat()}.csv"'
    )
    return response


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
