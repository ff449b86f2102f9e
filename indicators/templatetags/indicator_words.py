from __future__ import annotations

from django import template

from indicators.words import word as _word

register = template.Library()


@register.filter
def word(code: object, kind: str) -> str:
    """``{{ item.discipline|word:"discipline" }}``: the words for a report's code."""
    return _word(code, kind)
