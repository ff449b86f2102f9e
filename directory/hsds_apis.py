"""HSDS 3.0 API shape (``/hsds/...``), public and throttled like the rest of the API.
Pages follow the HSDS ``Page`` object: ``total_items, total_pages, page_number, size,
first_page, last_page, empty, contents``; ``page`` and ``per_page`` (<= 100). One field is
ours: ``total_items_is_estimate``, true when a text search (``/hsds/services?search=``)
matched more than the exact-count threshold and ``total_items`` is PostgreSQL's estimate,
as the directory API's ``count_is_estimate`` (``directory/counting.py``)."""

from __future__ import annotations

import math
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from directory import extensions, hsds, paging, search_terms, selectors
from referral_hub.errors import ApplicationError, NotFound

PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="1-based page number."),
    OpenApiParameter("per_page", int, description="Items per page, at most 100 (default 20)."),
]


def _page(request: Request, qs: Any, render: Any) -> dict[str, Any]:
    def number(name: str, default: int) -> int:
        raw = request.query_params.get(name) or ""
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ApplicationError(
                "invalid_parameter", f"{name} must be a positive integer.", extra={"parameter": name}
            ) from None
        if value < 1:
            raise ApplicationError(
                "invalid_parameter", f"{name} must be a positive integer.", extra={"parameter": name}
            )
        return value

    page, per_page = number("page", 1), min(number("per_page", 20), 100)
    # A search (``paging.SearchResults``) counts its matches once, exactly up to the
    # threshold and estimated past it; other lists count exactly.
    counted = getattr(qs, "counted", None)
    total, is_estimate = counted() if counted is not None else (qs.count(), False)
    pages = max(1, math.ceil(total / per_page))
    if page > pages:
        raise ApplicationError("invalid_page", "page is past the end.", extra={"parameter": "page"})
    items = list(qs[(page - 1) * per_page : page * per_page])
    return {
        "total_items": total,
        "total_items_is_estimate": is_estimate,
        "total_pages": pages,
        "page_number": page,
        "size": len(items),
        "first_page": page == 1,
        # An estimate may run past the real end: the page then says it is empty.
        "last_page": page == pages,
        "empty": not items,
        "contents": [render(item) for item in items],
    }


def _render_list_item(item: Any) -> dict[str, Any]:
    return item if isinstance(item, dict) else hsds.service_to_hsds(item, full=False)


class _ListingsThenMore:
    """``count()`` and ``[start:stop]`` over the listings followed by the services the
    apps above contribute (``extensions.register_hsds_services``)."""

    def __init__(self, listings: QuerySet[Any]) -> None:
        self.listings = listings
        self.more = extensions.MoreHsdsServices()
        self._listed: int | None = None

    def listed(self) -> int:
        if self._listed is None:
            self._listed = self.listings.count()
        return self._listed

    def count(self) -> int:
        return self.listed() + self.more.count()

    def __getitem__(self, window: slice) -> list[Any]:
        start, stop, n = window.start or 0, window.stop, self.listed()
        items: list[Any] = list(self.listings[start:stop]) if start < n else []
        if stop > n:
            items += self.more.slice(max(start - n, 0), stop - n)
        return items


class HsdsServiceListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            *PAGE_PARAMETERS,
            OpenApiParameter(
                "search",
                str,
                description="Text search, as the directory's `q`. Past 1,000 matches (PostgreSQL) "
                "`total_items` is the planner's estimate and `total_items_is_estimate` is true.",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
        summary="HSDS 3.0: services (one-to-one fields)",
        operation_id="hsds_services_list",
        auth=[],
    )
    def get(self, request: Request) -> Response:
        q = (request.query_params.get("search") or "").replace("\x00", "").strip()[:200]
        # The words understood as the directory's ``q`` is (disciplines, languages, text);
        # without ``terms`` a search would filter nothing.
        search = selectors.ProviderSearch(q=q, terms=search_terms.interpret(q))
        if search.q:
            # The directory search's pages and counts (``directory/paging.py``): the same
            # rows in name order, a bounded count, ``total_items_is_estimate`` past it.
            results = paging.provider_search_results(search)
            return Response(_page(request, results, lambda p: hsds.service_to_hsds(p, full=False)))
        # Unfiltered: the listings, then the services other apps contribute (groups), counted
        # exactly (the groups follow the last listing).
        rows = _ListingsThenMore(selectors.provider_search(search))
        return Response(_page(request, rows, _render_list_item))


class HsdsServiceDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT}, summary="HSDS 3.0: one fully nested service", auth=[]
    )
    def get(self, request: Request, service_id: str) -> Response:
        try:
            provider = selectors.provider_get_by_hsds_id(hsds_id=service_id)
        except NotFound:
            # Not a listing: perhaps a service an app above contributes (groups).
            found = extensions.hsds_service_lookup(service_id)
            if found is None:
                raise
            return Response(found)
        return Response(hsds.service_to_hsds(provider))


class HsdsOrganizationListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT},
        summary="HSDS 3.0: organizations",
        auth=[],
    )
    def get(self, request: Request) -> Response:
        return Response(_page(request, selectors.organizations_list(), hsds.organization_to_hsds))
