"""One exception type for the application and the DRF handler that renders every
error as ``{"detail": ..., "code": ...}`` with the right status."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ApplicationError(Exception):
    """A refusal the client can act on: ``code`` is stable, ``message`` is for people."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra or {}


class FieldError(ApplicationError):
    """A refusal of one field: the API's ``detail`` names the field the way a program
    does (``"reason: ..."``) and carries ``field``; ``plain`` is the message a person reads
    beside that field on a page."""

    def __init__(self, code: str, field: str, message: str, status: int = 400) -> None:
        super().__init__(code, f"{field}: {message}", status=status, extra={"field": field})
        self.field = field
        self.plain = message


class NotFound(ApplicationError):
    """The same answer for "missing" and "forbidden" so ids leak nothing."""

    def __init__(self, what: str = "Object") -> None:
        super().__init__("not_found", f"{what} not found.", status=404)


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            inner = _first_message(value)
            return inner if key == "non_field_errors" else f"{key}: {inner}"
        return "Invalid input."
    if isinstance(detail, list):
        return _first_message(detail[0]) if detail else "Invalid input."
    return str(detail)


BUSY_RETRY_AFTER_SECONDS = 1


def is_database_busy(exc: BaseException) -> bool:
    """SQLite's lock contention (``database is locked``) that outlived the busy timeout:
    the failed transaction rolled back, and the client may retry."""
    if not isinstance(exc, OperationalError):
        return False
    message = str(exc).lower()
    return "database is locked" in message or "database table is locked" in message


def database_busy_body() -> dict[str, Any]:
    return {
        "detail": "The database is busy; the change was not made. Retry shortly.",
        "code": "database_busy",
        "retry_after_seconds": BUSY_RETRY_AFTER_SECONDS,
    }


UNAVAILABLE_RETRY_AFTER_SECONDS = 5
# PostgreSQL SQLSTATEs that mean "no server to talk to": class 08 (connection exception),
# and the server shutting down or starting up (57P01-57P03).
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03")


def is_database_unavailable(exc: BaseException | None) -> bool:
    """The PostgreSQL server cannot be reached (stopped, restarting, the connection cut):
    the request did not complete, and the client may retry once it is back. Other
    database errors (a constraint, a timeout, SQLite's own) are not dressed up as this."""
    if not isinstance(exc, (OperationalError, InterfaceError)) or is_database_busy(exc):
        return False
    cause = exc.__cause__
    if cause is None or not type(cause).__module__.startswith("psycopg"):
        return False
    sqlstate = getattr(cause, "sqlstate", None)
    return sqlstate is None or str(sqlstate).startswith(_UNAVAILABLE_STATES)


def database_unavailable_body() -> dict[str, Any]:
    return {
        "detail": "The database is unavailable right now; retry shortly. "
        "A change sent with this request may not have been saved.",
        "code": "database_unavailable",
        "retry_after_seconds": UNAVAILABLE_RETRY_AFTER_SECONDS,
    }


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After``: ``{"detail", "code": "database_unavailable"}`` under the
    API, FHIR and HSDS prefixes; elsewhere the plain error page (no layout: the layout
    reads the database)."""
    response: HttpResponse
    if request.path.startswith(("/api/", "/fhir/", "/hsds/")):
        response = JsonResponse(database_unavailable_body(), status=503)
    else:
        body = loader.render_to_string("errors/plain.html", {"status": 503})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
    return response


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if is_database_busy(exc):
        return Response(
            database_busy_body(), status=503, headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)}
        )
    if is_database_unavailable(exc):
        return Response(
            database_unavailable_body(),
            status=503,
            headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, ApplicationError):
        body = {"detail": exc.message, "code": exc.code, **exc.extra}
        return Response(body, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        return Response({"detail": "Not found.", "code": "not_found"}, status=404)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail
        response.data = {
            "detail": _first_message(fields),
            "code": "invalid",
            "errors": fields,
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
        detail = exc.detail
        response.data = {
            "detail": str(detail) if not isinstance(detail, (dict, list)) else _first_message(detail),
            "code": code,
        }
        wait = getattr(exc, "wait", None)  # set by Throttled; the DRF stubs do not declare it
        if isinstance(exc, exceptions.Throttled) and wait is not None:
            response.data["retry_after_seconds"] = int(wait)
    return response
