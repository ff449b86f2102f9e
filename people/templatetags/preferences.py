"""``{% language_url request "es" %}``: this page's address in another language (the
query string kept, ``lang`` replaced). Local times: ``{{ moment|when }}`` ("10 Dec 2026,
4:03 PM CST" in the reader's zone), ``{{ moment|input_local }}`` and
``{% now_input_local %}`` for ``datetime-local`` inputs, ``{% time_zone_label %}``."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

register = template.Library()


@register.simple_tag
def language_url(request: HttpRequest, code: str) -> str:
    query = request.GET.copy()
    query["lang"] = code
    return f"{request.path}?{query.urlencode()}"


# --- local times (the active zone is the reader's: people.middleware) ------------------

_WHEN_FORMATS = {"es": "j M Y, H:i T"}
_WHEN_DEFAULT = "j M Y, g:i A T"


@register.filter
def when(value: datetime | None) -> str:
    """A moment in the reader's zone, labelled: "10 Dec 2026, 4:03 PM CST"."""
    if not isinstance(value, datetime):
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return date_format(local, _WHEN_FORMATS.get(translation.get_language() or "", _WHEN_DEFAULT))


@register.filter
def input_local(value: datetime | None) -> str:
    """A moment as a ``datetime-local`` input value in the reader's zone."""
    if not isinstance(value, datetime):
        return ""
    return date_format(timezone.localtime(value), "Y-m-d\\TH:i")


@register.simple_tag
def now_input_local() -> str:
    """Now, as a ``datetime-local`` value (an input's ``min``: no appointment in the past)."""
    return date_format(timezone.localtime(timezone.now()), "Y-m-d\\TH:i")


@register.simple_tag
def time_zone_label() -> str:
    """The reader's zone for labels next to time inputs: "America/Chicago (CST)"."""
    zone = timezone.get_current_timezone()
    abbreviation = timezone.localtime(timezone.now()).tzname() or ""
    name = getattr(zone, "key", str(zone))
    return f"{name} ({abbreviation})" if abbreviation and abbreviation != name else name
