"""Request ids: one per request, echoed in ``X-Request-ID`` and stored on audit rows."""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse

from referral_hub.errors import BUSY_RETRY_AFTER_SECONDS, database_busy_body, is_database_busy

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("current_request_id", default="")
_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class DatabaseBusyMiddleware:
    """Web pages and anything outside DRF: lock contention that outlived SQLite's busy
    timeout is a 503 with ``code: database_busy`` and ``Retry-After``, never a 500 (the
    API's exception handler answers the same). With WAL and IMMEDIATE transactions it
    should not happen; this is the floor, not the plan."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_busy(exception):
            return None
        response = JsonResponse(database_busy_body(), status=503)
        response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        return response


API_PREFIXES = ("/api/v1/", "/fhir/", "/hsds/")
_ERROR_CODES = {400: "bad_request", 403: "permission_denied", 404: "not_found", 405: "method_not_allowed"}


class ApiErrorBodyMiddleware:
    """Under the API prefixes every error is ``{"detail", "code"}`` JSON, also when Django
    answers before DRF does (a URL that matches no route, e.g. ``/api/v1/cases/1.5/``, or
    a request Django refuses): clients and the OpenAPI schema see one error shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code in _ERROR_CODES
            and request.path.startswith(API_PREFIXES)
            and "json" not in response.get("Content-Type", "")
        ):
            phrase = HTTPStatus(response.status_code).phrase
            code = _ERROR_CODES[response.status_code]
            return JsonResponse({"detail": f"{phrase}.", "code": code}, status=response.status_code)
        return response
