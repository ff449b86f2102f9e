"""REST for the notice centre: the caller's notices and marking them read."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from notices import selectors, services
from notices.kinds import CATEGORIES
from people.roles import signed_in
from referral_hub.errors import ApplicationError
from referral_hub.ids import MAX_ID
from referral_hub.pagination import Pagination


class NoticeOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text='The producer\'s code, e.g. "referral.received".')
    category = serializers.CharField(help_text="What kind of news this is: " + ", ".join(CATEGORIES) + ".")
    category_label = serializers.CharField(help_text="The category in plain words (your language).")
    title = serializers.CharField(help_text="The notice in plain words (your language).")
    url = serializers.CharField(allow_null=True, help_text="Where to go for it (a path on this site).")
    payload = serializers.DictField(help_text="Ids and short labels from the producer; no child details.")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NoticeListOutput(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    unread_count = serializers.IntegerField(help_text="All your unread notices (not only this page).")
    results = NoticeOutput(many=True)


class MarkReadInput(serializers.Serializer[Any]):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=500,
        help_text="Notices to mark read (ids of other people's notices are ignored).",
    )
    all = serializers.BooleanField(required=False, default=False, help_text="Mark every notice read.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("all") and not attrs.get("ids"):
            raise ApplicationError(
                "invalid_parameter",
                'Give "ids" (a list of notice ids) or "all": true.',
                extra={"field": "ids"},
            )
        return attrs


class MarkReadOutput(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text="Notices that changed from unread to read.")
    unread_count = serializers.IntegerField()


def _unread_param(request: Request) -> bool:
    raw = request.query_params.get("unread", "")
    if raw in ("", "false", "0"):
        return False
    if raw in ("true", "1"):
        return True
    raise ApplicationError(
        "invalid_parameter", "unread must be true or false.", extra={"parameter": "unread"}
    )


class NoticeListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="Only unread notices.")],
        responses=NoticeListOutput,
        summary="Your notices (new referrals, outcomes back, consent answers, reminders), newest first",
    )
    def get(self, request: Request) -> Response:
        rows = selectors.notice_rows(user_id=signed_in(request.user).pk, unread_only=_unread_param(request))
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self) or []
        response = paginator.get_paginated_response(
            NoticeOutput([selectors.notice_from_row(row) for row in page], many=True).data
        )
        response.data["unread_count"] = selectors.unread_count(user_id=signed_in(request.user).pk)
        return response


class NoticeMarkReadApi(APIView):
    @extend_schema(
        request=MarkReadInput,
        responses=MarkReadOutput,
        summary="Mark notices read ({ids: [...]} or {all: true})",
    )
    def post(self, request: Request) -> Response:
        data = MarkReadInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = None if data.validated_data.get("all") else list(data.validated_data["ids"])
        marked = services.notices_mark_read(actor=request.user, notice_ids=ids)
        return Response(
            {"marked": marked, "unread_count": selectors.unread_count(user_id=signed_in(request.user).pk)}
        )
