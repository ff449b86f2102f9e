"""REST API for cases (thin: parse, call a service or selector, serialize):
``GET /api/v1/cases/`` and ``GET /api/v1/cases/{id}/`` with the care team."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors, services
from cases.models import CareTeamMember, Case
from referral_hub.pagination import Pagination


class ChildRef(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TeamMemberOutput(serializers.Serializer[Any]):
    provider = serializers.SerializerMethodField()
    user_id = serializers.IntegerField()
    role = serializers.CharField()
    joined_at = serializers.DateTimeField()

    def get_provider(self, obj: CareTeamMember) -> dict[str, Any]:
        p = obj.provider
        return {
            "id": p.pk,
            "name": p.name,
            "discipline": p.discipline,
            "organization": p.organization.name if p.organization is not None else "",
        }


class CaseOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    child = ChildRef()
    created_at = serializers.DateTimeField()
    care_team = TeamMemberOutput(many=True, source="current_team")
    unread_count = serializers.IntegerField(
        help_text="Messages by others, not removed, after your read marker (0 when none)."
    )
    last_message_at = serializers.DateTimeField(
        allow_null=True, help_text="When the newest message of the case chat was written; null when none."
    )


class CaseListApi(APIView):
    pagination_class = Pagination

    @extend_schema(responses=CaseOutput(many=True), summary="Cases the caller may open, with the care team")
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page: list[Case] = (
            paginator.paginate_queryset(selectors.case_list(actor=request.user), request, view=self) or []
        )
        services.cases_shown(actor=request.user, cases=page, detail="case list")
        return paginator.get_paginated_response(CaseOutput(page, many=True).data)


class CaseDetailApi(APIView):
    @extend_schema(responses=CaseOutput, summary="A case with its care team")
    def get(self, request: Request, pk: int) -> Response:
        access = services.case_open(actor=request.user, case_id=pk)
        case: Case = selectors.case_detail(actor=request.user, case=access.case)
        return Response(CaseOutput(case).data)
