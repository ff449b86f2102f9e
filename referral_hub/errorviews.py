"""The error views settings and the root URLconf name (``handler400``...,
``CSRF_FAILURE_VIEW``, ``AXES_LOCKOUT_CALLABLE``): each hands over to the view an app
registered for it (``referral_hub.extensions.register_error_view``; people registers its
error pages in the reader's language), or to Django's default when none is registered."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure

from referral_hub.extensions import error_view


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    view = error_view("400")
    return view(request, exception) if view else defaults.bad_request(request, exception or Exception())


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    view = error_view("403")
    return view(request, exception) if view else defaults.permission_denied(request, exception or Exception())


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    view = error_view("404")
    return view(request, exception) if view else defaults.page_not_found(request, exception or Exception())


def server_error(request: HttpRequest) -> HttpResponse:
    view = error_view("500")
    return view(request) if view else defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    view = error_view("csrf")
    return view(request, reason) if view else django_csrf_failure(request, reason)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    view = error_view("lockout")
    if view:
        return view(request, original_response, credentials)
    return HttpResponseForbidden("Locked out.")
