"""The groups API (``/api/v1/groups/``): finding groups is public; registering,
cancelling and one's own registrations need an account. A registration is its
registrant's alone: anyone else's id answers 404 ``not_found``, like a missing one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from directory.roles import provider_of
from directory.selectors import parse_place
from groups import host_apis, ics
from groups.models import ACTIVE_STATUSES, Audience, Group, Kind, Registration
from groups.selectors import DEFAULT_RADIUS_MILES, GroupSearch, find_groups, listed, next_sessions
from groups.serializers import (
    GroupDetailOutput,
    GroupOutput,
    RegistrationOutput,
    found_data,
    group_data,
    registration_data,
)
from groups.services import Registrant, RegistrationRefused, cancel, register
from people.preferences import language_of
from people.roles import Actor, signed_in
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.pagination import Pagination

MAX_RADIUS_MILES = 500.0
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
MODEL_RE = re.compile(r"^[a-z0-9_-]{1,24}$")
REFUSAL_STATUS = {"group_not_found": 404, "group_full": 409, "group_cancelled": 409}


class CalendarRenderer(BaseRenderer):
    """Lets ``Accept: text/calendar`` through negotiation for the views that write their
    own .ics body; what DRF renders through it is only an error, as JSON text."""

    media_type = "text/calendar"
    format = "ics"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        return JSONRenderer().render(data)


def _bad(parameter: str, message: str) -> ApplicationError:
    return ApplicationError("invalid_parameter", message, extra={"parameter": parameter})


def _choice(params: Mapping[str, str], name: str, choices: list[str]) -> str:
    value = (params.get(name) or "").strip()
    if value and value not in choices:
        raise _bad(name, f"{name} must be one of: {', '.join(choices)}.")
    return value


def _matching(params: Mapping[str, str], name: str, pattern: re.Pattern[str], message: str) -> str:
    value = (params.get(name) or "").strip().lower()
    if value and not pattern.match(value):
        raise _bad(name, message)
    return value


def _age(params: Mapping[str, str]) -> int | None:
    raw = (params.get("age_months") or "").strip()
    if not raw:
        return None
    if not re.fullmatch(r"\d{1,4}", raw):
        raise _bad("age_months", "age_months must be a whole number of months, 0 or more.")
    return int(raw)


def _radius(params: Mapping[str, str]) -> float:
    raw = (params.get("radius_miles") or "").strip()
    if not raw:
        return DEFAULT_RADIUS_MILES
    try:
        radius = float(raw)
    except ValueError:
        raise _bad("radius_miles", "radius_miles must be a number of miles.") from None
    if not 0 < radius <= MAX_RADIUS_MILES:
        raise _bad("radius_miles", "radius_miles must be more than 0 and at most 500.")
    return radius


def parse_group_search(params: Mapping[str, str]) -> GroupSearch:
    """The query string as a ``GroupSearch``; a bad value is 400 ``invalid_parameter``
    naming the parameter. ``near`` is read as the directory reads it."""
    near_raw = (params.get("near") or "").replace("\x00", "").strip()
    return GroupSearch(
        kind=_choice(params, "kind", list(Kind.values)),
        audience=_choice(params, "audience", list(Audience.values)),
        language=_matching(params, "language", LANGUAGE_RE, "language must be a two-letter code such as es."),
        model=_matching(params, "model", MODEL_RE, "model must be a model code such as cos."),
        age_months=_age(params),
        near=parse_place(near_raw)[0] if near_raw else None,
        radius_miles=_radius(params),
    )


def _choices(values: list[str]) -> str:
    return ", ".join(f"`{v}`" for v in values)


SEARCH_PARAMETERS = [
    OpenApiParameter("kind", str, enum=Kind.values, description=_choices(Kind.values)),
    OpenApiParameter("audience", str, enum=Audience.values, description=_choices(Audience.values)),
    OpenApiParameter("language", str, description="ISO 639-1 code of the language it is held in, e.g. `es`."),
    OpenApiParameter("model", str, description="Evidence-based model code, e.g. `cos`."),
    OpenApiParameter("age_months", int, description="The child's age in months (>= 0)."),
    OpenApiParameter(
        "near",
        str,
        description="A US ZIP code, `lat,lng` or a US city, read as the directory search reads it. Groups "
        "that meet by video only match any place.",
    ),
    OpenApiParameter(
        "radius_miles", OpenApiTypes.NUMBER, description="With `near`: miles, > 0 and <= 500 (default 25)."
    ),
]


def _group(group_id: int) -> Group:
    group = listed().filter(pk=group_id).first()
    if group is None:
        raise ApplicationError("group_not_found", "No such group.", status=404)
    return group


class GroupListApi(GenericAPIView[Any]):
    """Groups and events with a session to come, soonest first. Public; one query a page."""

    permission_classes = [AllowAny]
    serializer_class = GroupOutput
    pagination_class = Pagination

    @extend_schema(
        parameters=SEARCH_PARAMETERS,
        responses=GroupOutput(many=True),
        summary="Find groups and events",
        operation_id="groups_search",
        auth=[],
    )
    def get(self, request: Request) -> Response:
        found = find_groups(parse_group_search(request.query_params))
        page = self.paginate_queryset(found)
        assert page is not None
        return self.get_paginated_response([found_data(item) for item in page])


class GroupDetailApi(GenericAPIView[Any]):
    permission_classes = [AllowAny]
    serializer_class = GroupDetailOutput

    @extend_schema(summary="One group or event", operation_id="groups_detail", auth=[])
    def get(self, request: Request, group_id: int) -> Response:
        group = _group(group_id)
        return Response(group_data(group, starts=next_sessions(group), distance=None, detail=True))


def _registrant(user: Actor, group: Group, body: Mapping[str, Any]) -> Registrant:
    """Who the signed-in person registers as: their listing when they are a provider,
    otherwise their account (name, e-mail, language)."""
    account = signed_in(user)
    provider = provider_of(account)
    if group.audience == Audience.PROVIDERS and provider is None:
        raise ApplicationError(
            "providers_only", "This group is for providers: sign in with a provider account.", status=403
        )
    name = provider.name if provider is not None else (account.get_full_name() or account.username)
    email = account.email or (provider.email if provider is not None else "")
    return Registrant(
        name=name,
        email=email,
        phone=str(body.get("phone") or ""),
        texts_ok=bool(body.get("texts_ok")),
        language=language_of(account),
        user=account,
        provider=provider,
    )


class GroupRegisterApi(APIView):
    """Take a place (or join the waitlist). Families-audience groups take anyone signed
    in; providers-audience groups only providers (a provider attends as their listing)."""

    permission_classes = [IsAuthenticated]

    class Input(drf_serializers.Serializer[Any]):
        phone = drf_serializers.CharField(
            required=False, allow_blank=True, max_length=40, help_text="A number for reminders."
        )
        texts_ok = drf_serializers.BooleanField(required=False, help_text="Reminders by text to `phone`.")

    @extend_schema(
        request=Input,
        responses={
            201: RegistrationOutput,
            200: OpenApiResponse(
                RegistrationOutput, description="Already registered: the same registration."
            ),
        },
        summary="Register for a group (a place, or the waitlist when full)",
        description="Refusals: 404 `group_not_found`, 409 `group_full` (full, no waitlist), 409 "
        "`group_cancelled`, 403 `providers_only`.",
    )
    def post(self, request: Request, group_id: int) -> Response:
        body = self.Input(data=request.data)
        body.is_valid(raise_exception=True)
        # Cancelled groups too: the service answers them 409 ``group_cancelled``.
        group = Group.objects.filter(pk=group_id, published=True).first()
        if group is None:
            raise ApplicationError("group_not_found", "No such group.", status=404)
        registrant = _registrant(request.user, group, body.validated_data)
        already = group.registrations.filter(user=registrant.user, status__in=ACTIVE_STATUSES).exists()
        try:
            registration = register(group_id=group.pk, registrant=registrant)
        except RegistrationRefused as refused:
            raise ApplicationError(
                refused.code, str(refused), status=REFUSAL_STATUS.get(refused.code, 400)
            ) from None
        return Response(registration_data(registration), status=200 if already else 201)


def _own(user: Actor, registration_id: int) -> Registration:
    registration = (
        Registration.objects.select_related("group", "group__location")
        .filter(pk=registration_id, user=signed_in(user))
        .first()
    )
    if registration is None:
        raise NotFound("Registration")
    return registration


class RegistrationListApi(GenericAPIView[Any]):
    """The signed-in person's registrations, newest first (cancelled ones too)."""

    permission_classes = [IsAuthenticated]
    serializer_class = RegistrationOutput
    pagination_class = Pagination

    @extend_schema(responses=RegistrationOutput(many=True), summary="My group registrations")
    def get(self, request: Request) -> Response:
        rows = (
            Registration.objects.filter(user=signed_in(request.user))
            .select_related("group")
            .order_by("-created_at", "-pk")
        )
        page = self.paginate_queryset(rows)
        assert page is not None
        now = timezone.now()
        return self.get_paginated_response([registration_data(r, now=now) for r in page])


class RegistrationCancelApi(APIView):
    """Give up one's place (the head of the waitlist takes it) or one's place in line."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=RegistrationOutput, summary="Cancel my registration")
    def post(self, request: Request, registration_id: int) -> Response:
        registration = _own(request.user, registration_id)
        try:
            cancel(registration_id=registration.pk)
        except RegistrationRefused as refused:
            raise ApplicationError(
                refused.code, str(refused), status=REFUSAL_STATUS.get(refused.code, 400)
            ) from None
        registration.refresh_from_db()
        return Response(registration_data(registration))


def _ics_response(body: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class GroupCalendarApi(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, CalendarRenderer]

    @extend_schema(
        responses={(200, "text/calendar"): OpenApiTypes.STR},
        summary="The group's sessions as an iCalendar file (RRULE, EXDATE, VTIMEZONE)",
        operation_id="groups_calendar",
        auth=[],
    )
    def get(self, request: Request, group_id: int) -> HttpResponse:
        group = _group(group_id)
        return _ics_response(ics.calendar(group), ics.filename(group))


class RegistrationCalendarApi(APIView):
    renderer_classes = [JSONRenderer, CalendarRenderer]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={(200, "text/calendar"): OpenApiTypes.STR},
        summary="My registration's group as an iCalendar file, with the video link while I hold a place",
        operation_id="groups_registration_calendar",
    )
    def get(self, request: Request, registration_id: int) -> HttpResponse:
        registration = _own(request.user, registration_id)
        data = registration_data(registration)
        extra = [f"Video: {data['video_url']}"] if data["video_url"] else []
        return _ics_response(
            ics.calendar(registration.group, extra_description=extra), ics.filename(registration.group)
        )


class GroupCollectionApi(GroupListApi, host_apis.GroupCreateApi):
    """``/groups/``: GET finds groups (anyone); POST publishes one (its host, signed in)."""

    def get_permissions(self) -> list[Any]:
        if self.request is not None and self.request.method == "POST":
            return [IsAuthenticated()]
        return [AllowAny()]


class GroupItemApi(GroupDetailApi, host_apis.GroupEditApi):
    """``/groups/{id}/``: GET reads a group (anyone); PATCH changes it (its host or a
    curator; anyone else gets the 404 of a missing group)."""

    def get_permissions(self) -> list[Any]:
        if self.request is not None and self.request.method == "PATCH":
            return [IsAuthenticated()]
        return [AllowAny()]
