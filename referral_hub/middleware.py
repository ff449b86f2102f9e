"""Request ids (one per request, echoed in ``X-Request-ID`` and stored on audit rows)
and the one check for invalid text in any request."""

from __future__ import annotations

import json
import re
import uuid
from array import array
from collections.abc import Callable
from http import HTTPStatus
from itertools import accumulate
from typing import Any
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from referral_hub.errors import (
    BUSY_RETRY_AFTER_SECONDS,
    database_busy_body,
    database_unavailable_response,
    is_database_busy,
    is_database_unavailable,
)
from referral_hub.extensions import middleware as registered_middleware
from referral_hub.request_context import current_request_id

_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # our own attribute on the request, read by views and logs
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


# Text PostgreSQL cannot store or that no honest client sends: NUL, UTF-16 surrogate
# halves (only reachable through JSON "\ud800" escapes) and the two non-characters.
_INVALID_TEXT = re.compile("[\x00\ud800-\udfff\ufffe\uffff]")
_API_PREFIXES = ("/api/", "/fhir/", "/hsds/")
_INVALID_DETAIL = "The request contains invalid text (a NUL byte or invalid Unicode)."


class InvalidText(Exception):
    pass


class TooDeep(Exception):
    """A JSON body nested deeper than ``MAX_JSON_DEPTH``."""


MAX_JSON_DEPTH = 64
_JSON_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_JSON_STRING = re.compile(rb'"[^"]*+"')
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_DEPTH_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_DEEP_DETAIL = f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels."


def _check_depth(body: bytes) -> None:
    """Raise :class:`TooDeep` when brackets outside strings nest deeper than
    ``MAX_JSON_DEPTH``: counted without parsing (no recursion however deep) and in
    linear time (escapes out first, then strings, then all but brackets)."""
    brackets = _JSON_STRING.sub(b"", _JSON_ESCAPE.sub(b"", body)).translate(None, _NOT_BRACKETS)
    if brackets.count(b"[") + brackets.count(b"{") <= MAX_JSON_DEPTH:
        return
    steps = array("b", brackets.translate(_DEPTH_STEP))  # +1 per opener, -1 per closer
    if max(accumulate(steps)) > MAX_JSON_DEPTH:
        raise TooDeep


def _check_text(value: str) -> None:
    if _INVALID_TEXT.search(value):
        raise InvalidText


def _check_urlencoded(raw: bytes | str) -> None:
    """Every name and value of a query string or form body, decoded strictly."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    for pair in data.split(b"&"):
        for part in pair.split(b"=", 1):
            try:
                _check_text(unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8"))
            except UnicodeDecodeError:
                raise InvalidText from None


def _check_json(value: Any) -> None:
    pending = [value]  # a work list, not recursion
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, dict):
            for key, child in item.items():
                _check_text(key)
                pending.append(child)
        elif isinstance(item, list):
            pending.extend(item)


def _check_body(request: HttpRequest) -> None:
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded":
        _check_urlencoded(request.body)
    elif content_type == "multipart/form-data":
        for key, values in request.POST.lists():
            _check_text(key)
            for value in values:
                _check_text(value)
    elif content_type.endswith("json") and request.body:
        _check_depth(request.body)
        try:
            parsed = json.loads(request.body.decode("utf-8"))
        except UnicodeDecodeError:
            raise InvalidText from None
        except ValueError:
            return  # not JSON: the API's parser answers parse_error
        _check_json(parsed)


def check_request_text(request: HttpRequest) -> None:
    """Raise :class:`InvalidText` if the path, query string or body carries invalid text."""
    _check_text(request.path)
    _check_urlencoded(request.META.get("QUERY_STRING", ""))
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        try:
            _check_body(request)
        except RequestDataTooBig:
            return  # Django refuses the body itself, later, with its own 400


class InvalidTextMiddleware:
    """One place for invalid text: a NUL byte or invalid Unicode anywhere in the path,
    query string, form or JSON body is a 400 ``invalid_parameter`` before any view runs
    (JSON for the API, FHIR and HSDS; the 400 page for people). A JSON body nested
    deeper than ``MAX_JSON_DEPTH`` is a 400 ``parse_error`` the same way. Placed after
    authentication so the 400 page renders in the app's layout."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request_text(request)
        except InvalidText:
            return self.refuse(request)
        except TooDeep:
            if request.path.startswith(_API_PREFIXES):
                return JsonResponse({"detail": _DEEP_DETAIL, "code": "parse_error"}, status=400)
            return render(request, "400.html", {"detail": _DEEP_DETAIL}, status=400)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest) -> HttpResponse:
        if request.path.startswith(_API_PREFIXES):
            return JsonResponse({"detail": _INVALID_DETAIL, "code": "invalid_parameter"}, status=400)
        return render(request, "400.html", {"detail": _INVALID_DETAIL}, status=400)


class DatabaseBusyMiddleware:
    """Web pages and anything outside DRF: lock contention that outlived SQLite's busy
    timeout is a 503 with ``code: database_busy`` and ``Retry-After``, never a 500 (the
    API's exception handler answers the same). With WAL and IMMEDIATE transactions it
    should not happen; this is the floor, not the plan. A PostgreSQL server that cannot be
    reached is a 503 ``database_unavailable`` (JSON for the API, the plain error page
    for people); failures before any view (a middleware reading the session) reach the
    same answer through ``handler500`` (``people.errorpages.server_error``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_unavailable(exception):
            return database_unavailable_response(request)
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


class AppMiddleware:
    """The apps' middleware at this place of ``MIDDLEWARE`` (settings name no app): the
    classes registered with ``referral_hub.extensions.register_middleware``, outermost
    first, chained when the handler is built (after every ``ready()``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        handler: Callable[[HttpRequest], Any] = get_response
        for middleware_class in reversed(registered_middleware()):
            # As Django wraps each middleware: an exception becomes a response at once.
            handler = convert_exception_to_response(middleware_class(handler))
        self.handler = handler

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.handler(request)
        return response
