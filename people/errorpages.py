"""Error pages for people: 400, 403, 404, 405 and 500 in the app's layout and the
reader's language, on every page route, whatever ``DJANGO_DEBUG`` says (Django's
technical pages appear only with ``DJANGO_DEBUG_PAGES=1``, see settings). Under the API,
FHIR and HSDS prefixes every error stays ``{"detail", "code"}`` JSON.

Django calls the ``handler*`` views for exceptions (``Http404``, ``PermissionDenied``,
``BadRequest``/``SuspiciousOperation``, anything uncaught); ``ErrorPageMiddleware``
dresses the bare error responses views return themselves (``require_POST``'s empty 405,
an empty 403 or 404) in the same pages."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from http import HTTPStatus

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from people.landing import home_url_for
from referral_hub.errors import database_unavailable_response, is_database_unavailable

API_PREFIXES = ("/api/", "/fhir/", "/hsds/")
PAGE_STATUSES = (400, 403, 404, 405, 500)
_API_CODES = {
    400: "bad_request",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    500: "server_error",
}

logger = logging.getLogger(__name__)


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES)


def _api_error(status: int) -> JsonResponse:
    return JsonResponse(
        {"detail": f"{HTTPStatus(status).phrase}.", "code": _API_CODES[status]}, status=status
    )


def error_page(request: HttpRequest, status: int, *, detail: str = "") -> HttpResponse:
    """The page for ``status`` (JSON under the API prefixes)."""
    if is_api(request):
        return _api_error(status)
    try:
        # Django may refuse a request before authentication ran (a bad Host header).
        home_url = home_url_for(getattr(request, "user", None) or AnonymousUser())
        context = {"status": status, "detail": detail, "home_url": home_url}
        body = loader.render_to_string(f"{status}.html", context, request=request)
    except Exception:  # the layout itself failed (e.g. the database is down): plain page
        logger.exception("error page %s could not render in the layout", status)
        body = loader.render_to_string("errors/plain.html", {"status": status})
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_database_unavailable(sys.exc_info()[1]):
        # PostgreSQL is down (here from a middleware, before any view): 503, retry.
        return database_unavailable_response(request)
    return error_page(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """An expired or missing form token: say what to do (reload, sign in again)."""
    if is_api(request):
        return JsonResponse({"detail": f"CSRF failed: {reason}", "code": "csrf_failed"}, status=403)
    return error_page(
        request,
        403,
        detail=_(
            "This form was open too long or your session changed. Go back, reload the page and send it again."
        ),
    )


def _is_bare(response: HttpResponse) -> bool:
    if getattr(response, "streaming", False):
        return False
    content_type = response.get("Content-Type", "")
    return not response.content.strip() or not content_type.startswith("text/html")


def _json_asked_and_given(request: HttpRequest, response: HttpResponse) -> bool:
    asked = request.content_type == "application/json" or "json" in request.headers.get("Accept", "")
    given = response.get("Content-Type", "").startswith("application/json") and bool(response.content.strip())
    return asked and given


class ErrorPageMiddleware:
    """Bare error responses on page routes become the app's error page (the ``Allow``
    header of a 405 kept). Sits after the preferences middleware, so the page is in the
    reader's language and time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code not in PAGE_STATUSES or is_api(request) or not _is_bare(response):
            return response
        if _json_asked_and_given(request, response):
            return response  # a page route that also answers JSON (a reference's link)
        page = error_page(request, response.status_code)
        if "Allow" in response:
            page["Allow"] = response["Allow"]
        return page
