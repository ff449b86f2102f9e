"""The host's side of a group: create, edit and cancel it.

Who may: the provider whose listing hosts the group (``host``), or a curator (staff);
anyone else gets the same 404 as for a missing group (``groups.policies.access_group_for_host``). An
account without a listing cannot create one (403 ``not_a_provider``); a curator creates
on behalf of a listing by naming it (``host``).

One input check (``check_group``) serves the API and the page alike: each refusal is an
``ApplicationError`` naming its field (``invalid``), or the schedule's own ``code``
(``groups.schedule.ScheduleError``: ``rrule_invalid``, ``rrule_frequency``,
``rrule_until_utc``, ``time_zone_unknown``, ``exdate_invalid``, ``duration_invalid``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from directory.models import Location, Provider
from directory.roles import provider_of
from endorsement.models import Domain
from groups import notices
from groups.models import ACTIVE_STATUSES, ENDORSEMENT_ENTRY_KIND, Attendance, Audience, Group, Kind
from groups.policies import access_group_for_host
from groups.schedule import Schedule, ScheduleError, is_occurrence, validate
from people.roles import Actor, is_curator
from referral_hub.errors import ApplicationError

MAX_CAPACITY = 1000
MAX_AGE_MONTHS = 216
TEXT_LIMITS = {"name": 200, "description": 4000, "model_code": 24}


def _bad(field: str, message: str) -> ApplicationError:
    return ApplicationError("invalid", f"{field}: {message}", extra={"field": field})


def schedule_refused(error: ScheduleError) -> ApplicationError:
    """A schedule the group cannot meet by, as the 400 the API and the page show."""
    field = {
        "time_zone_unknown": "time_zone",
        "exdate_invalid": "exdates",
        "duration_invalid": "duration_minutes",
    }
    return ApplicationError(error.code, str(error), extra={"field": field.get(error.code, "rrule")})


def host_for_create(actor: Actor, host_id: Any = None) -> Provider:
    """The listing a new group is hosted by: the actor's own; a curator names one."""
    if not actor.is_authenticated:
        raise ApplicationError("not_authenticated", "Sign in to publish a group.", status=403)
    if is_curator(actor) and host_id not in (None, ""):
        host = Provider.objects.filter(pk=_int(host_id, "host")).first()
        if host is None:
            raise _bad("host", "no such listing.")
        return host
    own = provider_of(actor)
    if own is None:
        raise ApplicationError(
            "not_a_provider", "Only a provider with a directory listing may publish a group.", status=403
        )
    return own


# --- one input check -------------------------------------------------------------------


def _text(value: Any, field: str) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if len(text) > TEXT_LIMITS[field]:
        raise _bad(field, f"at most {TEXT_LIMITS[field]} characters.")
    return text


def _int(value: Any, field: str, low: int = 0, high: int = 10**6) -> int:
    if isinstance(value, bool):
        raise _bad(field, "must be a whole number.")
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise _bad(field, "must be a whole number.") from None
    if not low <= number <= high:
        raise _bad(field, f"must be between {low} and {high}.")
    return number


def _optional_int(value: Any, field: str, high: int) -> int | None:
    return None if value in (None, "") else _int(value, field, 0, high)


def _bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "on", "yes"):
        return True
    if text in ("false", "0", "off", "no", ""):
        return False
    raise _bad(field, "must be true or false.")


def _choice(value: Any, field: str, choices: list[str]) -> str:
    code = str(value or "").strip()
    if code not in choices:
        raise _bad(field, f"must be one of: {', '.join(choices)}.")
    return code


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _bad(field, "must be a date (YYYY-MM-DD).") from None


def _time(value: Any, field: str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value).strip())
    except ValueError:
        raise _bad(field, "must be a time of day (HH:MM).") from None


def _codes(value: Any, field: str, allowed: list[str] | None = None) -> list[str]:
    items = str(value).replace(",", "\n").splitlines() if isinstance(value, str) else list(value or [])
    codes = [str(item).strip() for item in items if str(item).strip()]
    if len(codes) > 200:
        raise _bad(field, "at most 200 entries.")
    if allowed is not None:
        unknown = [code for code in codes if code not in allowed]
        if unknown:
            raise _bad(field, f"unknown: {', '.join(unknown)} (use: {', '.join(allowed)}).")
    return list(dict.fromkeys(codes))


def _language(value: Any) -> str:
    code = str(value or "").strip().lower()
    if not (2 <= len(code) <= 3 and code.isalpha()):
        raise _bad("language", "must be a language code such as 'en' or 'es'.")
    return code


def _location(value: Any, host: Provider) -> Location | None:
    if value in (None, ""):
        return None
    location = Location.objects.filter(pk=_int(value, "location"), provider=host).first()
    if location is None:
        raise _bad("location", "must be one of the host's own locations.")
    return location


_CLEANERS: dict[str, Any] = {
    "name": lambda v, h: _text(v, "name"),
    "description": lambda v, h: _text(v, "description"),
    "kind": lambda v, h: _choice(v, "kind", list(Kind.values)),
    "audience": lambda v, h: _choice(v, "audience", list(Audience.values)),
    "model_code": lambda v, h: _text(v, "model_code").lower(),
    "language": lambda v, h: _language(v),
    "ages_min_months": lambda v, h: _optional_int(v, "ages_min_months", MAX_AGE_MONTHS),
    "ages_max_months": lambda v, h: _optional_int(v, "ages_max_months", MAX_AGE_MONTHS),
    "location": _location,
    "online": lambda v, h: _bool(v, "online"),
    "video_url": lambda v, h: str(v or "").strip(),
    "capacity": lambda v, h: _int(v, "capacity", 1, MAX_CAPACITY),
    "waitlist_open": lambda v, h: _bool(v, "waitlist_open"),
    "time_zone": lambda v, h: str(v or "").strip(),
    "starts_on": lambda v, h: _date(v, "starts_on"),
    "start_time": lambda v, h: _time(v, "start_time"),
    "rrule": lambda v, h: str(v or "").strip(),
    "exdates": lambda v, h: _codes(v, "exdates"),
    "duration_minutes": lambda v, h: _int(v, "duration_minutes", 0, 24 * 60),
    "domains": lambda v, h: _codes(v, "domains", list(Domain.values)),
}
FIELDS = tuple(_CLEANERS)
REQUIRED = ("name", "kind", "capacity", "starts_on", "start_time")


def default_audience(kind: str) -> str:
    """Parent groups and workshops are for families; RSC groups and trainings for providers."""
    return Audience.PROVIDERS if kind in ENDORSEMENT_ENTRY_KIND else Audience.FAMILIES


def _check_whole(values: dict[str, Any]) -> None:
    """The rules between fields, on the group as it would be."""
    if not values["name"]:
        raise _bad("name", "give the group a name.")
    low, high = values.get("ages_min_months"), values.get("ages_max_months")
    if low is not None and high is not None and low > high:
        raise _bad("ages_max_months", "must not be below the youngest age.")
    if values.get("online"):
        if not values.get("video_url"):
            raise _bad("video_url", "a group that meets by video needs its link.")
    elif values.get("location") is None:
        raise _bad("location", "choose one of your locations, or say the group meets by video.")
    if values.get("video_url"):
        try:
            URLValidator(schemes=["https", "http"])(values["video_url"])
        except ValidationError:
            raise _bad("video_url", "must be a web address starting with https://.") from None
    schedule = Schedule(
        starts_on=values["starts_on"],
        start_time=values["start_time"],
        time_zone=values.get("time_zone") or "America/Detroit",
        rrule=values.get("rrule", ""),
        exdates=tuple(values.get("exdates", ())),
        duration_minutes=values.get("duration_minutes", 90),
    )
    try:
        validate(schedule)
    except ScheduleError as error:
        raise schedule_refused(error) from error


def check_group(data: Mapping[str, Any], *, host: Provider, current: Group | None = None) -> dict[str, Any]:
    """The fields given, cleaned; with ``current`` (an edit) only those given change and
    the whole is checked as it would be. Returns the values to set."""
    given = {key: _CLEANERS[key](data[key], host) for key in FIELDS if key in data}
    if current is None:
        missing = [key for key in REQUIRED if key not in given or given[key] in ("", None)]
        if missing:
            raise _bad(missing[0], "required.")
        given.setdefault("audience", default_audience(given["kind"]))
        whole = dict(given)
    else:
        whole = {key: getattr(current, key) for key in FIELDS}
        whole.update(given)
    _check_whole(whole)
    return given


# --- writes ----------------------------------------------------------------------------


@transaction.atomic
def group_create(*, actor: Actor, data: Mapping[str, Any]) -> Group:
    """A new published group hosted by the actor's listing (or, for a curator, the
    listing named ``host``); its organisation is the host's."""
    host = host_for_create(actor, data.get("host"))
    values = check_group(data, host=host)
    return Group.objects.create(host=host, organization=host.organization, **values)


@transaction.atomic
def group_update(*, actor: Actor, group_id: int, data: Mapping[str, Any]) -> Group:
    """The host (or a curator) changes the fields given. A cancelled group is not
    edited (409 ``group_cancelled``). Attendance already taken stays keyed by the
    sessions it was taken at, so a new schedule must keep those sessions."""
    group = access_group_for_host(actor, group_id, for_update=True)
    if group.cancelled_at is not None:
        raise ApplicationError("group_cancelled", "This group has been cancelled.", status=409)
    values = check_group(data, host=group.host, current=group)
    for key, value in values.items():
        setattr(group, key, value)
    if SCHEDULE_FIELDS & set(values):
        _keep_attended_sessions(group)
    if values:
        group.save(update_fields=[*values, "updated_at"])
    return group


SCHEDULE_FIELDS = frozenset({"starts_on", "start_time", "time_zone", "rrule", "exdates"})


def _keep_attended_sessions(group: Group) -> None:
    """A new schedule must keep every session attendance was taken at: the roster and
    the endorsement entries made from it are keyed by those sessions (409
    ``schedule_drops_attended_session``, naming the first one it would drop)."""
    attended = (
        Attendance.objects.filter(registration__group=group)
        .order_by("session_start")
        .values_list("session_start", flat=True)
        .distinct()
    )
    schedule = group.schedule
    for start in attended:
        if not is_occurrence(schedule, start):
            raise ApplicationError(
                "schedule_drops_attended_session",
                f"The new schedule has no session at {start.astimezone(schedule.zone):%Y-%m-%d %H:%M}, "
                "where attendance was taken; keep that session (change only later ones).",
                status=409,
            )


@transaction.atomic
def group_cancel(*, actor: Actor, group_id: int) -> Group:
    """The group will not meet again: it leaves the listings and takes no registration
    (``groups.services``). Its registrations and attendance are kept, and everyone still
    registered or in line is told. Once only (409 ``group_cancelled``)."""
    group = access_group_for_host(actor, group_id, for_update=True)
    if group.cancelled_at is not None:
        raise ApplicationError("group_cancelled", "This group has already been cancelled.", status=409)
    group.cancelled_at = timezone.now()
    group.save(update_fields=["cancelled_at", "updated_at"])
    for registration in group.registrations.filter(status__in=ACTIVE_STATUSES).select_related("group"):
        notices.notify_cancelled(registration)
    return group
