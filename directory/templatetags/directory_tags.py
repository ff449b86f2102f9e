from __future__ import annotations

from django import template

from directory.models import LANGUAGE_NAMES, PaymentOption

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


@register.filter
def payment_label(code: str) -> str:
    return PaymentOption(code).label if code in PaymentOption.values else code


@register.filter
def months(value: int) -> str:
    """Ages the way parents say them: "18 months", "3 years"."""
    if value is None:
        return ""
    if value >= 24 and value % 12 == 0:
        return f"{value // 12} years"
    return f"{value} month{'s' if value != 1 else ''}"
