"""How a group reads on the family pages: its next session in its own zone, the ages
it is for, and the places left (or the waitlist)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext, ngettext

from directory.templatetags.directory_tags import months
from groups.models import Group
from groups.words import session_day, session_when

register = template.Library()


@register.simple_tag(name="session_when")
def session_when_tag(start: dt.datetime, time_zone: str = "") -> str:
    return session_when(start, time_zone)


@register.simple_tag(name="session_day")
def session_day_tag(start: dt.datetime, time_zone: str = "") -> str:
    return session_day(start, time_zone)


@register.simple_tag
def ages(group: Group) -> str:
    low, high = group.ages_min_months, group.ages_max_months
    if low is not None and high is not None:
        return gettext("Ages %(low)s–%(high)s") % {"low": months(low), "high": months(high)}
    if low is not None:
        return gettext("From %(low)s") % {"low": months(low)}
    if high is not None:
        return gettext("Up to %(high)s") % {"high": months(high)}
    return ""


@register.simple_tag
def places(group: Group) -> str:
    """ "3 places left", "Full: join the waitlist (2 waiting)", "Full"."""
    registered = int(getattr(group, "registered", 0) or 0)
    waiting = int(getattr(group, "waitlisted", 0) or 0)
    left = group.capacity - registered
    if left > 0:
        return ngettext("%(count)d place left", "%(count)d places left", left) % {"count": left}
    if not group.waitlist_open:
        return gettext("Full")
    if waiting:
        return ngettext(
            "Full: join the waitlist (%(count)d waiting)",
            "Full: join the waitlist (%(count)d waiting)",
            waiting,
        ) % {"count": waiting}
    return gettext("Full: join the waitlist")
