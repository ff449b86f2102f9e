"""Local times: ``{{ moment|when }}`` ("10 Dec 2026,
4:03 PM CST"; the language's ``DATETIME_FORMAT``: ``referral_hub/formats`` in the reader's zone), ``{{ moment|input_local }}`` and
``{% now_input_local %}`` for ``datetime-local`` inputs, ``{% time_zone_label %}``."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format

register = template.Library()


# --- local times (the active zone is the reader's: people.middleware) ------------------


def _local(value: datetime) -> datetime:
    """``value`` in the reader's zone; a moment the zone cannot hold (year 9999 east of
    UTC, year 1 west of it) stays in its own zone (labelled, so still true)."""
    if not timezone.is_aware(value):
        return value
    try:
        return timezone.localtime(value)
    except (OverflowError, ValueError):
        return value


@register.filter
def when(value: datetime | None) -> str:
    """A moment in the reader's zone, labelled: "10 Dec 2026, 4:03 PM CST"."""
    if not isinstance(value, datetime):
        return ""
    return date_format(_local(value), get_format("DATETIME_FORMAT", translation.get_language()))


@register.filter
def input_local(value: datetime | None) -> str:
    """A moment as a ``datetime-local`` input value in the reader's zone."""
    if not isinstance(value, datetime):
        return ""
    return date_format(_local(value), "Y-m-d\\TH:i")


@register.filter
def machine_time(value: datetime | None) -> str:
    """A moment for a ``<time datetime>`` attribute (ISO 8601 with its offset), in the
    reader's zone when it can hold it. Use it rather than ``|date:'c'``, whose
    conversion to the reader's zone raises for extreme moments."""
    if not isinstance(value, datetime):
        return ""
    return _local(value).isoformat()


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
