"""The host's group form on the page: the simple schedule choices (once; weekly on some
days; monthly on the Nth weekday; ending after a number of sessions or on a date), or
an RRULE typed by hand, turned into the RRULE text the service takes (and back, to fill
the form for an edit). The service (``host_services.check_group``) checks the rest."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from groups.host_services import FIELDS
from groups.models import Group
from referral_hub.errors import ApplicationError

WEEKDAYS = (
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
)
NTH = (("1", _("first")), ("2", _("second")), ("3", _("third")), ("4", _("fourth")), ("-1", _("last")))
REPEATS = (
    ("once", _("Once")),
    ("weekly", _("Every week")),
    ("monthly", _("Every month")),
    ("custom", _("Another rule (iCalendar RRULE)")),
)
DAY_CODES = [code for code, _label in WEEKDAYS]
MAX_COUNT = 500


def _bad(field: str, message: str) -> ApplicationError:
    return ApplicationError("invalid", f"{field}: {message}", extra={"field": field})


def _end(post: QueryDict) -> str:
    if post.get("ends") == "until":
        try:
            until = dt.date.fromisoformat(post.get("until", "").strip())
        except ValueError:
            raise _bad("until", str(_("give the date of the last session."))) from None
        return f"UNTIL={until:%Y%m%d}T235959"
    try:
        count = int(post.get("count", "").strip())
    except ValueError:
        raise _bad("count", str(_("say how many sessions."))) from None
    if not 1 <= count <= MAX_COUNT:
        raise _bad("count", str(_("between 1 and 500 sessions.")))
    return f"COUNT={count}"


def rrule_from_choices(post: QueryDict) -> str:
    """The RRULE text the page's choices describe ("" for a single session)."""
    repeat = post.get("repeat", "once")
    if repeat == "once":
        return ""
    if repeat == "custom":
        return post.get("rrule", "").strip()
    if repeat == "weekly":
        days = [day for day in post.getlist("byday") if day in DAY_CODES]
        parts = ["FREQ=WEEKLY", *([f"BYDAY={','.join(days)}"] if days else [])]
    elif repeat == "monthly":
        nth, day = post.get("nth", ""), post.get("weekday", "")
        if nth not in dict(NTH) or day not in DAY_CODES:
            raise _bad("nth", str(_("choose which weekday of the month.")))
        parts = ["FREQ=MONTHLY", f"BYDAY={nth}{day}"]
    else:
        raise _bad("repeat", str(_("choose how often the group meets.")))
    return ";".join([*parts, _end(post)])


_SIMPLE = re.compile(
    r"^FREQ=(?P<freq>WEEKLY|MONTHLY)(;BYDAY=(?P<byday>[-0-9A-Z,]+))?;(?P<end>COUNT=\d+|UNTIL=\d{8}(T\d{6})?)$"
)
_MONTHLY_DAY = re.compile(r"^(?P<nth>-1|[1-4])(?P<day>MO|TU|WE|TH|FR|SA|SU)$")


def _simple(freq: str, byday: str) -> dict[str, Any] | None:
    if freq == "WEEKLY":
        days = byday.split(",") if byday else []
        return {"repeat": "weekly", "byday": days} if set(days) <= set(DAY_CODES) else None
    found = _MONTHLY_DAY.match(byday)
    return {"repeat": "monthly", "nth": found["nth"], "weekday": found["day"]} if found else None


def choices_from_rrule(text: str) -> dict[str, Any]:
    """The page's choices for an RRULE: the simple ones when they can say it, else
    ``custom`` with the text."""
    if not text:
        return {"repeat": "once", "ends": "count", "count": ""}
    found = _SIMPLE.match(text.upper())
    chosen = _simple(found["freq"], found["byday"] or "") if found else None
    if found is None or chosen is None:
        return {"repeat": "custom", "rrule": text, "ends": "count", "count": ""}
    end = found["end"]
    if end.startswith("COUNT="):
        return {**chosen, "ends": "count", "count": end[6:]}
    day = end[6:14]
    return {**chosen, "ends": "until", "until": f"{day[:4]}-{day[4:6]}-{day[6:]}"}


CHECKBOXES = ("online", "waitlist_open")


def data_from_post(post: QueryDict) -> dict[str, Any]:
    """What the page's form says, in the service's terms (every field: a page edit
    sends the whole form; unticked boxes are false). A post without the form's schedule
    choices is not the form: refused rather than read as "once"."""
    if "repeat" not in post:
        raise _bad("repeat", str(_("choose how often the group meets.")))
    data: dict[str, Any] = {key: post.get(key, "") for key in FIELDS if key in post}
    for key in CHECKBOXES:
        data[key] = key in post
    data["exdates"] = post.get("exdates", "")
    data["domains"] = post.getlist("domains")
    data["rrule"] = rrule_from_choices(post)
    if not data.get("audience"):
        data.pop("audience", None)
    return data


def initial_of(group: Group) -> dict[str, Any]:
    """The form's values for an existing group."""
    values = {key: getattr(group, key) for key in FIELDS if key != "location"}
    values["location"] = group.location_id or ""
    values["exdates"] = "\n".join(group.exdates)
    values["start_time"] = group.start_time.strftime("%H:%M")
    values["starts_on"] = group.starts_on.isoformat()
    return {**values, **choices_from_rrule(group.rrule)}


def initial_from_post(post: QueryDict) -> dict[str, Any]:
    """The form as it was sent (shown again beside its error)."""
    values: dict[str, Any] = {key: post.get(key, "") for key in post}
    for key in CHECKBOXES:
        values[key] = key in post
    values["byday"] = post.getlist("byday")
    values["domains"] = post.getlist("domains")
    return values
