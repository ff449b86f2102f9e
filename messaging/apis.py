"""REST for the case chat: history by cursor and the send fallback for clients whose
socket cannot open. Same policy and services as the socket."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from messaging import selectors, services
from messaging.models import MAX_BODY_CHARS
from referral_hub.errors import ApplicationError
from referral_hub.ids import MAX_ID, parse_id

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class AuthorOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="The author's user id (as in typing/presence/read frames).")
    name = serializers.CharField()
    discipline = serializers.CharField()


class MessageOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    seq = serializers.IntegerField(help_text="Dense per-case sequence number.")
    case_id = serializers.IntegerField()
    author = AuthorOutput()
    body = serializers.CharField(help_text='Plain text; empty when "deleted" is true.')
    created_at = serializers.DateTimeField()
    client_msg_id = serializers.UUIDField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField()


class HistoryOutput(serializers.Serializer[Any]):
    count = serializers.IntegerField(help_text="Messages with id > after (this page and later ones).")
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = MessageOutput(many=True)


class SendInput(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=MAX_BODY_CHARS, trim_whitespace=False)
    client_msg_id = serializers.UUIDField()


def _int_param(request: Request, name: str, default: int, low: int, high: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if value < low or (high is not None and value > high):
        allowed = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ApplicationError(
            "invalid_parameter", f"{name} must be an integer {allowed}.", extra={"parameter": name}
        )
    return value


def _after_param(request: Request) -> int:
    """The ``after`` cursor: a message id (0, the default, means from the start)."""
    raw = request.query_params.get("after")
    if raw is None or raw == "":
        return 0
    after = parse_id(raw, allow_zero=True)
    if after is None:
        raise ApplicationError(
            "invalid_parameter",
            f"after must be an integer between 0 and {MAX_ID}.",
            extra={"parameter": "after"},
        )
    return after


class CaseMessagesApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "after", int, description="Cursor: only messages with a greater id (default 0)."
            ),
            OpenApiParameter(
                "limit", int, description=f"Page size, 1-{MAX_LIMIT} (default {DEFAULT_LIMIT})."
            ),
        ],
        responses=HistoryOutput,
        summary="A case's chat history in ascending id order (cursor by id)",
    )
    def get(self, request: Request, case_id: int) -> Response:
        after = _after_param(request)
        limit = _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        messages = services.message_history_read(
            actor=request.user, case_id=case_id, after=after, limit=limit
        )
        count = selectors.count_after(case_id=case_id, after=after)
        next_url = None
        if count > len(messages):
            next_url = request.build_absolute_uri(
                request.path + "?" + urlencode({"after": messages[-1].pk, "limit": limit})
            )
        return Response(
            {
                "count": count,
                "next": next_url,
                "previous": None,
                "results": [selectors.message_payload(m) for m in messages],
            }
        )

    @extend_schema(
        request=SendInput,
        responses={201: MessageOutput, 200: MessageOutput},
        summary="Send a chat message (REST fallback for the socket; idempotent by client_msg_id)",
    )
    def post(self, request: Request, case_id: int) -> Response:
        data = SendInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.message_send(
            actor=request.user,
            case_id=case_id,
            body=data.validated_data["body"],
            client_msg_id=data.validated_data["client_msg_id"],
        )
        return Response(selectors.message_payload(result.message), status=201 if result.created else 200)
