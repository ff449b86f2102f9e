"""A group's schedule and sessions in a reader's words, in the active language: "Weekly
on Tuesdays, 8 sessions, 10:00 AM–11:30 AM" / "Semanal los martes, 8 sesiones,
10:00–11:30", and one session as "Tuesday, 15 Dec 2026, 10:00 AM" in the group's own
time zone (the place where it meets). Pages, e-mails and texts share these."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from groups.schedule import Schedule, ScheduleError, parse_rule, zone

# Weekdays said in the plural ("on Tuesdays" / "los martes"), RRULE's BYDAY codes.
WEEKDAYS_PLURAL = {
    "MO": gettext_lazy("Mondays"),
    "TU": gettext_lazy("Tuesdays"),
    "WE": gettext_lazy("Wednesdays"),
    "TH": gettext_lazy("Thursdays"),
    "FR": gettext_lazy("Fridays"),
    "SA": gettext_lazy("Saturdays"),
    "SU": gettext_lazy("Sundays"),
}
WEEKDAYS_ONE = {
    "MO": gettext_lazy("Monday"),
    "TU": gettext_lazy("Tuesday"),
    "WE": gettext_lazy("Wednesday"),
    "TH": gettext_lazy("Thursday"),
    "FR": gettext_lazy("Friday"),
    "SA": gettext_lazy("Saturday"),
    "SU": gettext_lazy("Sunday"),
}
ORDINALS = {
    "1": gettext_lazy("first"),
    "2": gettext_lazy("second"),
    "3": gettext_lazy("third"),
    "4": gettext_lazy("fourth"),
    "-1": gettext_lazy("last"),
}
_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _time_format() -> str:
    return "H:i" if (translation.get_language() or "en").startswith("es") else "g:i A"


def clock(value: dt.datetime | dt.time) -> str:
    """A time of day as the reader says it ("10:00 AM" / "10:00")."""
    return formats.time_format(value, _time_format())


def session_when(start: dt.datetime, time_zone: str = "") -> str:
    """A session's start, in ``time_zone`` (the group's) when given: "Tuesday, 15 Dec
    2026, 10:00 AM" / "martes, 15 dic 2026, 10:00"."""
    if time_zone:
        start = start.astimezone(zone(time_zone))
    day = formats.date_format(start, "l")
    return f"{day}, {formats.date_format(start, 'DATE_FORMAT')}, {clock(start)}"


def session_day(start: dt.datetime, time_zone: str = "") -> str:
    """A session's date alone: "Tuesday, 15 Dec 2026"."""
    if time_zone:
        start = start.astimezone(zone(time_zone))
    return f"{formats.date_format(start, 'l')}, {formats.date_format(start, 'DATE_FORMAT')}"


def _fields(rule: str) -> dict[str, str]:
    body = rule.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    return dict(part.split("=", 1) for part in body.upper().split(";") if "=" in part)


def _weekly(fields: dict[str, str], schedule: Schedule) -> str:
    days = [day[-2:] for day in fields.get("BYDAY", "").split(",") if day]
    if not days:
        days = [_CODES[schedule.starts_on.weekday()]]
    names = [str(WEEKDAYS_PLURAL[code]) for code in _CODES if code in days]
    listed = _(" and ").join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]
    interval = int(fields.get("INTERVAL", "1") or 1)
    if interval == 1:
        return _("Weekly on %(days)s") % {"days": listed}
    return _("Every %(n)d weeks on %(days)s") % {"n": interval, "days": listed}


def _monthly(fields: dict[str, str], schedule: Schedule) -> str:
    byday = fields.get("BYDAY", "").split(",")[0]
    ordinal, code = byday[:-2] or fields.get("BYSETPOS", ""), byday[-2:]
    if code in WEEKDAYS_ONE and ordinal.lstrip("+") in ORDINALS:
        return _("Monthly on the %(nth)s %(day)s") % {
            "nth": ORDINALS[ordinal.lstrip("+")],
            "day": WEEKDAYS_ONE[code],
        }
    day = fields.get("BYMONTHDAY") or str(schedule.starts_on.day)
    return _("Monthly on day %(day)s") % {"day": day}


def _pattern(fields: dict[str, str], schedule: Schedule) -> str:
    frequency = fields.get("FREQ", "")
    if frequency == "WEEKLY":
        return _weekly(fields, schedule)
    if frequency == "MONTHLY":
        return _monthly(fields, schedule)
    if frequency == "DAILY":
        return _("Daily")
    return _("Yearly")


def schedule_words(schedule: Schedule) -> str:
    """The whole schedule in one line, in the active language."""
    end = (dt.datetime.combine(schedule.starts_on, schedule.start_time) + schedule.duration).time()
    hours = f"{clock(schedule.start_time)}–{clock(end)}"
    if not schedule.rrule.strip():
        return _("Once, %(day)s, %(hours)s") % {
            "day": formats.date_format(schedule.starts_on, "DATE_FORMAT"),
            "hours": hours,
        }
    fields = _fields(schedule.rrule)
    try:
        parse_rule(schedule.rrule, schedule.local_start)
    except ScheduleError:
        return hours
    parts = [_pattern(fields, schedule)]
    if fields.get("COUNT"):
        count = int(fields["COUNT"])
        parts.append(ngettext("%(count)d session", "%(count)d sessions", count) % {"count": count})
    parts.append(hours)
    return ", ".join(parts)
