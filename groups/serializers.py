"""What the groups API sends. Public output carries no video link and no registrant
data: ``video_url`` reaches only a registrant holding a place (``RegistrationOutput``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rest_framework import serializers

from groups.models import Audience, Group, Kind, Registration, RegistrationStatus
from groups.selectors import FoundGroup, next_sessions, public_place


class GroupHostOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class GroupAgesOutput(serializers.Serializer[Any]):
    min_months = serializers.IntegerField(source="ages_min_months", allow_null=True)
    max_months = serializers.IntegerField(source="ages_max_months", allow_null=True)


class GroupPlaceOutput(serializers.Serializer[Any]):
    city = serializers.CharField(allow_null=True)
    state = serializers.CharField(allow_null=True)
    zip = serializers.CharField(allow_null=True)
    online = serializers.BooleanField(help_text="Meets by video (the link goes to registrants only).")


class GroupPlaceDetailOutput(GroupPlaceOutput):
    name = serializers.CharField(allow_null=True)
    address_1 = serializers.CharField(
        allow_null=True,
        help_text="The site's street address, as the host's listing shows it (null where the "
        "listing publishes none: a home-visiting-only host).",
    )


class GroupScheduleOutput(serializers.Serializer[Any]):
    rrule = serializers.CharField(help_text="iCalendar RRULE without DTSTART; empty for a single session.")
    exdates = serializers.ListField(child=serializers.DateField(), help_text="Local dates skipped.")
    time_zone = serializers.CharField(help_text="IANA zone the times are in.")
    starts_at = serializers.DateTimeField(help_text="The first session's start, with its UTC offset.")
    duration_minutes = serializers.IntegerField()


def _place(group: Group, *, detail: bool) -> dict[str, Any]:
    location = public_place(group)
    place: dict[str, Any] = {
        "city": location.city if location else None,
        "state": location.state if location else None,
        "zip": location.zip if location else None,
        "online": group.online,
    }
    if detail:
        place["name"] = (location.name or None) if location else None
        place["address_1"] = (location.address_1 or None) if location else None
    return place


def _schedule(group: Group) -> dict[str, Any]:
    schedule = group.schedule
    return {
        "rrule": group.rrule,
        "exdates": sorted(str(day)[:10] for day in group.exdates),
        "time_zone": group.time_zone,
        "starts_at": schedule.starts_at.isoformat(),
        "duration_minutes": group.duration_minutes,
    }


def group_data(
    group: Group, *, starts: list[dt.datetime], distance: float | None, detail: bool = False
) -> dict[str, Any]:
    """One group as the API shows it (``group`` from ``selectors.listed``: it carries
    ``registered`` and ``waitlisted``)."""
    data: dict[str, Any] = {
        "id": group.pk,
        "name": group.name,
        "kind": group.kind,
        "audience": group.audience,
        "language": group.language,
        "model": group.model_code or None,
        "ages": {"min_months": group.ages_min_months, "max_months": group.ages_max_months},
        "host": {"id": group.host.pk, "name": group.host.name},
        "place": _place(group, detail=detail),
        "schedule": _schedule(group),
        "next_sessions": [start.isoformat() for start in starts],
        "capacity": group.capacity,
        "registered_count": getattr(group, "registered", 0),
        "waitlist_count": getattr(group, "waitlisted", 0),
        "waitlist_open": group.waitlist_open,
        "distance_miles": round(distance, 2) if distance is not None else None,
    }
    if detail:
        data["description"] = group.description
        data["domains"] = list(group.domains)
    return data


def found_data(found: FoundGroup) -> dict[str, Any]:
    return group_data(found.group, starts=found.next_starts, distance=found.distance_miles)


class GroupOutput(serializers.Serializer[Any]):
    """One group or event (built by ``group_data``; declared for the schema)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    audience = serializers.ChoiceField(choices=Audience.choices)
    language = serializers.CharField(help_text="ISO 639-1 code of the language it is held in.")
    model = serializers.CharField(allow_null=True, help_text="Evidence-based model code (`cos`...), if any.")
    ages = GroupAgesOutput(help_text="Children's ages it is for, in months; null ends are open.")
    host = GroupHostOutput(help_text="The directory listing that runs it (the facilitator).")
    place = GroupPlaceOutput()
    schedule = GroupScheduleOutput()
    next_sessions = serializers.ListField(
        child=serializers.DateTimeField(), help_text="The next (up to 3) sessions' starts."
    )
    capacity = serializers.IntegerField()
    registered_count = serializers.IntegerField()
    waitlist_count = serializers.IntegerField()
    waitlist_open = serializers.BooleanField()
    distance_miles = serializers.FloatField(
        allow_null=True, help_text="Miles from `near` to where it meets; null for video or without `near`."
    )


class GroupDetailOutput(GroupOutput):
    place = GroupPlaceDetailOutput()
    description = serializers.CharField()
    domains = serializers.ListField(
        child=serializers.CharField(), help_text="Endorsement competency domains its sessions address."
    )


class RegistrationGroupOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)


class RegistrationOutput(serializers.Serializer[Any]):
    """One of the signed-in person's registrations."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=RegistrationStatus.choices)
    group = RegistrationGroupOutput()
    created_at = serializers.DateTimeField()
    next_sessions = serializers.ListField(child=serializers.DateTimeField())
    video_url = serializers.CharField(
        allow_null=True,
        help_text="The video link: only while holding a place in a group that meets by video.",
    )
    calendar_url = serializers.CharField(help_text="This registration's .ics (with the video link).")


def registration_data(registration: Registration, *, now: dt.datetime | None = None) -> dict[str, Any]:
    group = registration.group
    holds_place = registration.status == RegistrationStatus.REGISTERED
    active = registration.status != RegistrationStatus.CANCELLED
    return {
        "id": registration.pk,
        "status": registration.status,
        "group": {"id": group.pk, "name": group.name, "kind": group.kind},
        "created_at": registration.created_at.isoformat(),
        "next_sessions": [s.isoformat() for s in next_sessions(group, now=now)] if active else [],
        "video_url": group.video_url if holds_place and group.online and group.video_url else None,
        "calendar_url": f"/api/v1/groups/registrations/{registration.pk}/calendar.ics",
    }
