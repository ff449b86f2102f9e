from __future__ import annotations

import datetime

from django import template
from django.utils import formats

from indicators.words import word as _word

register = template.Library()


@register.filter
def word(code: object, kind: str) -> str:
    """``{{ item.discipline|word:"discipline" }}``: the words for a report's code."""
    return _word(code, kind)


@register.filter
def day(iso: object) -> str:
    """A report's ISO date ("2026-07-01") as people read dates (``DATE_FORMAT``)."""
    try:
        return formats.date_format(datetime.date.fromisoformat(str(iso)), "DATE_FORMAT")
    except ValueError:
        return str(iso)
