"""Groups and events in the HSDS 3.0 export: each published, not cancelled group is a
``service`` (id = ``Group.hsds_id``) with one ``schedule`` carrying its iCalendar rule
(``freq``, ``interval``, ``byday``, ``bymonthday``, ``count``, ``until``, ``dtstart``),
its local start and end time (``opens_at``/``closes_at``), the UTC offset of its first
session (``timezone``; the zone's name and the skipped dates in ``description`` and
``notes``) and a link to its .ics (``schedule_link``). Kind and audience are
``attributes`` of ``referral-hub:group-*`` taxonomies. No video link and nothing about
registrants. Registered with directory's ``register_hsds_services`` (directory cannot
import groups)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from directory.hsds import hsds_location
from directory.models import LANGUAGE_NAMES
from groups.ics import first_start
from groups.models import Group
from groups.schedule import occurrences
from groups.selectors import listed, public_place
from referral_hub.sitelinks import absolute_url

NAMESPACE = uuid.UUID("0b7e3f5e-2b7a-4f0e-9d7c-6a4d1c3b9e21")
HSDS_FREQUENCIES = {"WEEKLY", "MONTHLY"}
TAXONOMIES = {"kind": "referral-hub:group-kind", "audience": "referral-hub:group-audience"}


def _uid(parent: Any, what: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{parent}:{what}"))


def rule_fields(rrule: str) -> dict[str, str]:
    body = rrule.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    return {k.upper(): v for k, _, v in (part.partition("=") for part in body.split(";") if "=" in part)}


def _until(value: str) -> str:
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}"


def _recurrence(group: Group) -> dict[str, Any]:
    fields = rule_fields(group.rrule)
    out: dict[str, Any] = {}
    if fields.get("FREQ") in HSDS_FREQUENCIES:
        out["freq"] = fields["FREQ"]
        if "INTERVAL" in fields:
            out["interval"] = int(fields["INTERVAL"])
        for name in ("BYDAY", "BYMONTHDAY", "WKST"):
            if name in fields:
                out[name.lower()] = fields[name]
    if "COUNT" in fields:
        out["count"] = int(fields["COUNT"])
    if "UNTIL" in fields:
        out["until"] = _until(fields["UNTIL"])
    return out


def schedule_to_hsds(group: Group) -> dict[str, Any]:
    schedule = group.schedule
    sessions = occurrences(schedule)
    first = first_start(schedule)
    offset = first.replace(tzinfo=schedule.zone).utcoffset() or dt.timedelta()
    ends = (schedule.local_start + schedule.duration).time()
    skipped = ", ".join(sorted(str(day)[:10] for day in group.exdates))
    words = f"Sessions start at {schedule.start_time:%H:%M} {group.time_zone} time and last {group.duration_minutes} minutes"
    if group.rrule:
        words += f" (iCalendar RRULE {group.rrule})"
    if skipped:
        words += f"; no session on {skipped}"
    data: dict[str, Any] = {
        "id": _uid(group.hsds_id, "schedule"),
        "service_id": str(group.hsds_id),
        "dtstart": first.date().isoformat(),
        "valid_from": first.date().isoformat(),
        "timezone": offset.total_seconds() / 3600,
        "opens_at": f"{schedule.start_time:%H:%M}",
        "closes_at": f"{ends:%H:%M}",
        "description": words + ".",
        "schedule_link": absolute_url(reverse("api-group-calendar", kwargs={"group_id": group.pk})),
        "attending_type": "Online (video link sent to registrants)"
        if group.location is None
        else f"In person in {group.location.city}, {group.location.state}",
        **_recurrence(group),
    }
    if sessions and ("COUNT" in group.rrule.upper() or "UNTIL" in group.rrule.upper() or not group.rrule):
        data["valid_to"] = sessions[-1].date().isoformat()
    if skipped:
        data["notes"] = f"EXDATE (local dates): {skipped}"
    return data


def _attribute(group: Group, kind: str, code: str, name: str) -> dict[str, Any]:
    term_id = _uid("term", f"{kind}:{code}")
    return {
        "id": _uid(group.hsds_id, f"attribute:{kind}"),
        "link_id": str(group.hsds_id),
        "link_type": kind,
        "link_entity": "service",
        "taxonomy_term_id": term_id,
        "taxonomy_term": {
            "id": term_id,
            "code": code,
            "name": name,
            "description": f"{name} ({TAXONOMIES[kind]})",
            "taxonomy": TAXONOMIES[kind],
        },
        "value": code,
    }


def _location(group: Group) -> list[dict[str, Any]]:
    # As the directory's export: a place its host's listing does not publish (a
    # home-visiting-only host's base) is no service_at_location at all.
    location = public_place(group)
    if location is None or not location.families_visit:
        return []
    place = hsds_location(location, owner_name=group.host.name)
    return [
        {
            "id": _uid(group.hsds_id, "service_at_location"),
            "service_id": str(group.hsds_id),
            "location_id": str(location.hsds_id),
            "location": place,
        }
    ]


def group_to_hsds(group: Group, *, full: bool = True) -> dict[str, Any]:
    """One group as a fully nested HSDS service; ``full=False``: the one-to-one fields
    of ``service_list.json`` (the API list shape)."""
    data: dict[str, Any] = {
        "id": str(group.hsds_id),
        "name": group.name,
        "alternate_name": str(group.get_kind_display()),
        "description": group.description or f"{group.get_kind_display()} run by {group.host.name}.",
        "status": "active",
        "eligibility_description": f"For {group.get_audience_display().lower()}.",
    }
    if group.ages_min_months is not None:
        data["minimum_age"] = round(group.ages_min_months / 12, 2)
    if group.ages_max_months is not None:
        data["maximum_age"] = round(group.ages_max_months / 12, 2)
    if group.organization is not None:
        data["organization_id"] = str(group.organization.hsds_id)
    if group.updated_at:
        data["last_modified"] = group.updated_at.isoformat()
    if not full:
        return data
    return {**data, **_nested(group)}


def _nested(group: Group) -> dict[str, Any]:
    return {
        "languages": [
            {
                "id": _uid(group.hsds_id, f"language:{group.language}"),
                "service_id": str(group.hsds_id),
                "code": group.language,
                "name": str(LANGUAGE_NAMES.get(group.language, group.language)),
            }
        ],
        "service_at_locations": _location(group),
        "schedules": [schedule_to_hsds(group)],
        "attributes": [
            _attribute(group, "kind", group.kind, str(group.get_kind_display())),
            _attribute(group, "audience", group.audience, str(group.get_audience_display())),
        ],
    }


def services() -> Iterator[dict[str, Any]]:
    for group in listed().order_by("pk").iterator(chunk_size=500):
        yield group_to_hsds(group)


def lookup(service_id: str) -> dict[str, Any] | None:
    try:
        key = uuid.UUID(service_id)
    except ValueError:
        return None
    group = listed().filter(hsds_id=key).first()
    return group_to_hsds(group) if group is not None else None


def count() -> int:
    return listed().count()


def page(start: int, stop: int) -> list[dict[str, Any]]:
    """Groups ``start`` to ``stop`` (in id order) in the list shape."""
    return [group_to_hsds(group, full=False) for group in listed().order_by("pk")[start:stop]]
