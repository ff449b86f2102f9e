from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils.translation import gettext, ngettext

from directory import disclosure, service_areas
from directory.models import (
    CAPACITY_UNKNOWN,
    LANGUAGE_NAMES,
    Capacity,
    PaymentOption,
    Provider,
    directory_today,
)
from directory.roles import provider_of

register = template.Library()


@register.filter
def rounded_estimate(value: int) -> int:
    """An estimated count to two significant figures (233,338 -> 230,000): an estimate
    shown to the last digit would claim a precision it does not have."""
    if value < 100:
        return value
    scale = 10 ** (len(str(int(value))) - 2)
    return int(round(value / scale) * scale)


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


@register.filter
def days_ago(value: datetime.date | None) -> str:
    """ "today", "yesterday", "3 days ago" for a date (in the active time zone)."""
    if value is None:
        return ""
    days = (directory_today() - value).days
    if days <= 0:
        return gettext("today")
    if days == 1:
        return gettext("yesterday")
    return ngettext("%(days)d day ago", "%(days)d days ago", days) % {"days": days}


@register.simple_tag
def capacity_text(provider: Provider) -> str:
    """The capacity line's words: "Waitlist about 6 weeks", "Taking new families", ...,
    or "Availability not confirmed recently" once the answer is older than 30 days."""
    code = provider.capacity_shown
    if code == CAPACITY_UNKNOWN:
        return gettext("Availability not confirmed recently")
    if code == Capacity.WAITLIST:
        if provider.waitlist_weeks:
            return ngettext(
                "Waitlist about %(weeks)d week", "Waitlist about %(weeks)d weeks", provider.waitlist_weeks
            ) % {"weeks": provider.waitlist_weeks}
        return gettext("Waitlist")
    return str(Capacity(code).label)


@register.inclusion_tag("directory/_capacity_form_body.html", takes_context=True)
def capacity_form(context: template.Context) -> dict[str, Any]:
    """The provider dashboard's one-click capacity form (for the signed-in provider)."""
    request = context.get("request")
    provider = provider_of(request.user) if request is not None else None
    return {
        "provider": provider,
        "capacities": Capacity.choices,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


@register.filter
def tel_href(phone: str) -> str:
    """A ``tel:`` target: digits and a leading +, extensions after ``;ext=``."""
    raw = str(phone or "")
    main, _sep, ext = raw.lower().partition("ext")
    digits = "".join(c for c in main if c.isdigit() or c == "+")
    ext_digits = "".join(c for c in ext if c.isdigit())
    return f"{digits};ext={ext_digits}" if ext_digits else digits


@register.filter
def public_locations(provider: Provider) -> list[disclosure.PublicLocation]:
    """The listing's locations as the public may read them (``directory.disclosure``)."""
    return disclosure.public_locations(provider)


@register.filter
def public_distance(provider: Provider) -> float | None:
    return disclosure.public_distance(provider)


@register.filter
def home_area(provider: Provider) -> str:
    """Where the listing visits families at home, in words ("" without home visiting)."""
    return service_areas.area_sentence(provider)


@register.filter
def directions_url(location: disclosure.PublicLocation) -> str:
    """A map site's directions link by address (a plain link: nothing is loaded); only
    for a place families visit."""
    if not location.families_visit:
        return ""
    parts = [location.address_1, location.city, f"{location.state} {location.zip}".strip()]
    return "https://www.google.com/maps/dir/?" + urlencode(
        {"api": "1", "destination": ", ".join(p for p in parts if p)}
    )


@register.filter
def join_lines(values: list[str]) -> str:
    """One entry per line (for a textarea); autoescaping still applies to the result."""
    return "\n".join(str(v) for v in values or [])
