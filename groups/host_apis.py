"""The host's API: create, edit and cancel a group; its roster; attendance per session.

Only the group's host (the provider whose listing runs it) or a curator; anyone else
gets 404 ``not_found`` as for a missing group, anonymous callers 403. Bad input is 400:
``invalid`` naming the field, or the schedule's own code (``rrule_invalid``,
``rrule_frequency``, ``rrule_until_utc``, ``time_zone_unknown``, ``exdate_invalid``,
``duration_invalid``); attendance adds ``not_a_session``, ``session_not_started`` and
``not_registered``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from endorsement.models import Domain
from groups import attendance as attendance_service
from groups import host_services
from groups.models import Attendance, Audience, Group, Kind, Registration, RegistrationStatus
from groups.selectors import next_sessions


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2})?$", "example": "10:00"})
class LocalTimeField(serializers.TimeField):
    """A local wall-clock time, HH:MM (the zone is the group's ``time_zone``). Not an
    OpenAPI ``time``: that is RFC 3339's, with an offset, which a time of day in a zone
    with daylight saving does not have."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class GroupInput(serializers.Serializer[Any]):
    """What a host gives (all fields on create but those marked optional; any on edit)."""

    host = serializers.IntegerField(required=False, help_text="Curators only: the hosting listing's id.")
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Kind.choices)
    audience = serializers.ChoiceField(
        choices=Audience.choices,
        required=False,
        help_text="Default: families for parent groups and workshops, providers for RSC groups and trainings.",
    )
    model_code = serializers.CharField(required=False, allow_blank=True, max_length=24)
    language = serializers.CharField(required=False, help_text="ISO 639-1, default `en`.")
    ages_min_months = serializers.IntegerField(required=False, allow_null=True)
    ages_max_months = serializers.IntegerField(required=False, allow_null=True)
    location = serializers.IntegerField(
        required=False, allow_null=True, help_text="One of the host's own locations (or none with `online`)."
    )
    online = serializers.BooleanField(required=False)
    video_url = serializers.URLField(required=False, allow_blank=True)
    capacity = serializers.IntegerField(min_value=1)
    waitlist_open = serializers.BooleanField(required=False)
    time_zone = serializers.CharField(required=False, help_text="IANA name, default America/Detroit.")
    starts_on = serializers.DateField(help_text="Local date of the first session.")
    start_time = LocalTimeField(help_text="Local wall-clock time sessions start in `time_zone`.")
    rrule = serializers.CharField(
        required=False, allow_blank=True, help_text="iCalendar RRULE without DTSTART; empty: one session."
    )
    exdates = serializers.ListField(child=serializers.DateField(), required=False)
    duration_minutes = serializers.IntegerField(required=False)
    domains = serializers.ListField(child=serializers.ChoiceField(choices=Domain.choices), required=False)


class ScheduleOutput(serializers.Serializer[Any]):
    rrule = serializers.CharField()
    exdates = serializers.ListField(child=serializers.CharField())
    time_zone = serializers.CharField()
    starts_at = serializers.DateTimeField(source="schedule.starts_at")
    duration_minutes = serializers.IntegerField()


class HostGroupOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    host = serializers.IntegerField(source="host_id")
    name = serializers.CharField()
    description = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    audience = serializers.ChoiceField(choices=Audience.choices)
    model_code = serializers.CharField()
    language = serializers.CharField()
    ages_min_months = serializers.IntegerField(allow_null=True)
    ages_max_months = serializers.IntegerField(allow_null=True)
    location = serializers.IntegerField(source="location_id", allow_null=True)
    online = serializers.BooleanField()
    video_url = serializers.CharField()
    capacity = serializers.IntegerField()
    waitlist_open = serializers.BooleanField()
    starts_on = serializers.DateField()
    start_time = LocalTimeField()
    domains = serializers.ListField(child=serializers.CharField())
    schedule = ScheduleOutput(source="*")
    next_sessions = serializers.SerializerMethodField()
    cancelled_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.ListField(child=serializers.DateTimeField()))
    def get_next_sessions(self, group: Group) -> list[str]:
        return [start.isoformat() for start in next_sessions(group)]


def _body(request: Request) -> dict[str, Any]:
    return request.data if isinstance(request.data, dict) else {}


class GroupCreateApi(APIView):
    """A provider publishes a group it hosts (201). 403 ``not_a_provider`` for an account
    without a listing; 400 as above."""

    @extend_schema(
        request=GroupInput,
        responses={201: HostGroupOutput},
        summary="Publish a group or event (its host)",
        operation_id="groups_create",
    )
    def post(self, request: Request) -> Response:
        group = host_services.group_create(actor=request.user, data=_body(request))
        return Response(HostGroupOutput(group).data, status=201)


class GroupEditApi(APIView):
    """The host (or a curator) changes the fields given."""

    @extend_schema(
        request=GroupInput(partial=True),
        responses=HostGroupOutput,
        summary="Edit a group (its host)",
        operation_id="groups_edit",
    )
    def patch(self, request: Request, group_id: int) -> Response:
        group = host_services.group_update(actor=request.user, group_id=group_id, data=_body(request))
        return Response(HostGroupOutput(group).data)


class GroupCancelApi(APIView):
    """The host (or a curator) cancels the group; 409 ``group_cancelled`` the second time."""

    @extend_schema(
        request=None,
        responses=HostGroupOutput,
        summary="Cancel a group (its host)",
        operation_id="groups_cancel",
    )
    def post(self, request: Request, group_id: int) -> Response:
        group = host_services.group_cancel(actor=request.user, group_id=group_id)
        return Response(HostGroupOutput(group).data)


class RosterPersonOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    language = serializers.CharField()
    status = serializers.ChoiceField(choices=RegistrationStatus.choices)
    since = serializers.DateTimeField(source="status_changed_at")


class MarkOutput(serializers.Serializer[Any]):
    registration_id = serializers.IntegerField()
    present = serializers.BooleanField()


def _marks(marks: dict[int, bool]) -> list[dict[str, Any]]:
    return [{"registration_id": pk, "present": present} for pk, present in marks.items()]


class GroupRosterApi(APIView):
    """The registered and waitlisted people (adults only: no child data) and, for each
    session so far, who came."""

    @extend_schema(
        responses=inline_serializer(
            "GroupRoster",
            {
                "group": serializers.IntegerField(),
                "registrations": RosterPersonOutput(many=True),
                "sessions": inline_serializer(
                    "GroupRosterSession",
                    {"start": serializers.DateTimeField(), "attendance": MarkOutput(many=True)},
                    many=True,
                ),
            },
        ),
        summary="A group's roster and attendance (its host)",
        operation_id="groups_roster",
    )
    def get(self, request: Request, group_id: int) -> Response:
        found = attendance_service.roster(actor=request.user, group_id=group_id)
        return Response(
            {
                "group": found.group.pk,
                "registrations": RosterPersonOutput(found.registrations, many=True).data,
                "sessions": [
                    {"start": session.start.isoformat(), "attendance": _marks(session.marks)}
                    for session in found.sessions
                ],
            }
        )


def _attendance_row(row: Attendance) -> dict[str, Any]:
    registration: Registration = row.registration
    return {"registration_id": registration.pk, "present": row.present}


class SessionAttendanceApi(APIView):
    """Mark registrations present (true) or absent (false) at one session: the body maps
    registration ids to booleans. ``start`` is the session's start (ISO 8601 with its
    offset), an occurrence of the schedule that has started. A provider marked present
    at an RSC group or a training gets the matching portfolio entry (marked absent later:
    withdrawn); ``portfolio_refused`` lists the entries the endorsement rules refused
    (the attendance stands)."""

    @extend_schema(
        parameters=[OpenApiParameter("start", OpenApiTypes.DATETIME, OpenApiParameter.PATH)],
        request=inline_serializer(
            "SessionAttendanceInput", {"<registration_id>": serializers.BooleanField()}
        ),
        responses=inline_serializer(
            "SessionAttendance",
            {
                "start": serializers.DateTimeField(),
                "attendance": MarkOutput(many=True),
                "portfolio_refused": inline_serializer(
                    "PortfolioRefusal",
                    {
                        "registration_id": serializers.IntegerField(),
                        "code": serializers.CharField(),
                        "detail": serializers.CharField(),
                    },
                    many=True,
                ),
            },
        ),
        summary="Take attendance at a session (its host)",
        operation_id="groups_session_attendance",
    )
    def put(self, request: Request, group_id: int, start: str) -> Response:
        session = attendance_service.parse_start(start)
        result = attendance_service.session_attendance_set(
            actor=request.user, group_id=group_id, start=session, marks=_body(request)
        )
        return Response(
            {
                "start": result.start.isoformat(),
                "attendance": [_attendance_row(row) for row in result.rows],
                "portfolio_refused": [
                    {"registration_id": r.registration_id, "code": r.code, "detail": r.detail}
                    for r in result.refused
                ],
            }
        )
