"""The language and time zone a request is served in.

Language, first match wins: ``?lang=xx`` (this response only: a GET never writes, not
the cookie and not the account), the account's preferred language, the language cookie,
the ``Accept-Language`` header, English (``people.preferences.language_of``). A person
changes language with the switcher, a POST to Django's ``set_language``
(``referral_hub.language.set_language``), or on the account settings page.

Time zone: the account's zone, else the ``tz`` cookie the browser sets (an IANA name
from ``Intl.DateTimeFormat``), else ``people.preferences.DEFAULT_TIME_ZONE``. Storage
and the API stay in UTC (API, FHIR and HSDS requests run in UTC); only pages render in
the reader's zone."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from people.preferences import (
    DEFAULT_TIME_ZONE,
    known_time_zones,
    language_codes,
    language_of,
    time_zone_of,
)

ONE_YEAR_S = 365 * 24 * 3600
# Programs read UTC: the API, FHIR and HSDS never render in a person's zone.
MACHINE_PREFIXES = ("/api/", "/fhir/", "/hsds/")
TZ_COOKIE = "tz"


def _requested_language(request: HttpRequest) -> str | None:
    value = request.GET.get("lang", "")
    return value if value in language_codes() else None


def request_language(request: HttpRequest) -> str:
    chosen = _requested_language(request)
    if chosen:
        return chosen
    return language_of(request.user, translation.get_language_from_request(request))


def request_time_zone(request: HttpRequest) -> str:
    account = time_zone_of(request.user)
    if account:
        return account
    cookie = request.COOKIES.get(TZ_COOKIE, "")
    return cookie if cookie in known_time_zones() else DEFAULT_TIME_ZONE


class PreferencesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        if request.path.startswith(MACHINE_PREFIXES):
            timezone.activate(datetime.UTC)  # the API answers in UTC, ISO 8601 with offset
        else:
            timezone.activate(zoneinfo.ZoneInfo(request_time_zone(request)))
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response
