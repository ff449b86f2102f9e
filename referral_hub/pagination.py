from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound as DRFNotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView

from referral_hub.errors import ApplicationError

T = TypeVar("T")


class Pagination(PageNumberPagination):
    """``{count, next, previous, results}``; ``page_size`` capped at 100; a page past the
    end or a malformed page number is a 400 naming the parameter, never a 500."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            value = int(raw)
        except ValueError:
            raise ApplicationError(
                "invalid_parameter",
                "page_size must be an integer between 1 and 100.",
                extra={"parameter": "page_size"},
            ) from None
        if value < 1:
            raise ApplicationError(
                "invalid_parameter",
                "page_size must be an integer between 1 and 100.",
                extra={"parameter": "page_size"},
            )
        return min(value, self.max_page_size)

    def paginate_queryset(
        self, queryset: QuerySet[Any, T] | Sequence[T], request: Request, view: APIView | None = None
    ) -> list[T] | None:
        try:
            return super().paginate_queryset(queryset, request, view)
        except DRFNotFound:
            raise ApplicationError(
                "invalid_page", "page is past the end or not a positive integer.", extra={"parameter": "page"}
            ) from None

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The envelope as sent: all four keys, always (``next``/``previous`` null at the ends)."""
        envelope = super().get_paginated_response_schema(schema)
        envelope["required"] = ["count", "next", "previous", "results"]
        return envelope
