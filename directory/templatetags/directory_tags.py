from __future__ import annotations

from django import template
from django.utils.translation import ngettext

from directory.models import LANGUAGE_NAMES, PaymentOption

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))


@register.filter
def payment_label(code: str) -> str:
    return str(PaymentOption(code).label) if code in PaymentOption.values else code


@register.filter
def months(value: int) -> str:
    """Ages the way parents say them: "18 months", "3 years"."""
    if value is None:
        return ""
    if value >= 24 and value % 12 == 0:
        years = value // 12
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    return ngettext("%(count)d month", "%(count)d months", value) % {"count": value}
