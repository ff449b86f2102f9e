"""Groups routes, the host's side (issue 28): a group hosted by the team provider (the
pediatrician), who alone (with curators) may change it, read its roster or take its
attendance; any other signed-in account gets the 404 of a missing group, anonymous
callers 403 (API) or the login page (pages). Publishing takes a listing: accounts
without one get 403."""

from __future__ import annotations

import datetime

from tests.routes import Route, everyone

GROUP_NAME = "Route walk reflective supervision group"


def _group(world):
    from django.utils import timezone

    from groups.models import Group, Registration

    host = world["providers"]["pediatrician"]
    group, _ = Group.objects.get_or_create(
        name=GROUP_NAME,
        host=host,
        defaults={
            "kind": "reflective_supervision_group",
            "audience": "providers",
            "online": True,
            "video_url": "https://meet.example.org/rsg",
            "capacity": 6,
            "starts_on": timezone.localdate() - datetime.timedelta(days=14),
            "start_time": datetime.time(9, 0),
            "rrule": "FREQ=WEEKLY;COUNT=6",
        },
    )
    Registration.objects.get_or_create(
        group=group, name="Dana Reyes", defaults={"email": "dana.reyes@example.org"}
    )
    return group


def _ids(world) -> dict:
    return {"group_id": _group(world).pk}


def _session(world) -> dict:
    group = _group(world)
    return {"group_id": group.pk, "start": group.schedule.starts_at.isoformat()}


def _marks(world) -> dict:
    group = _group(world)
    return {str(group.registrations.get(name="Dana Reyes").pk): True}


def _new_group(world) -> dict:
    from django.utils import timezone

    return {
        "name": "Baby and me",
        "kind": "parent_group",
        "online": True,
        "video_url": "https://meet.example.org/baby",
        "capacity": 8,
        "starts_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
        "start_time": "10:00",
        "rrule": "FREQ=WEEKLY;COUNT=4",
    }


# Pages: only accounts with a listing (the two providers) reach "my groups".
LISTING_PAGE = {**everyone(403), "anonymous": 302, "team_provider": 200, "outsider": 200}
# A host's own group: the host and curators; the rest get the 404 of a missing group.
HOST_PAGE = {**everyone(404), "anonymous": 302, "team_provider": 200, "curator": 200}
HOST_API = {**everyone(404), "anonymous": 403, "team_provider": 200, "curator": 200}

ROUTES = [
    Route("group-host-list", {**LISTING_PAGE, "curator": 200}),
    Route("group-host-create", LISTING_PAGE),
    Route(
        "group-host-create",
        {**LISTING_PAGE, "team_provider": 400, "outsider": 400},
        method="post",
        label="post-group-host-create-empty",
    ),
    Route("group-host-edit", HOST_PAGE, kwargs=_ids),
    Route(
        "group-host-edit",
        {**HOST_PAGE, "team_provider": 400, "curator": 400},
        method="post",
        kwargs=_ids,
        label="post-group-host-edit-empty",
    ),
    # Without "Yes, cancel this group" nothing changes: back to the roster.
    Route(
        "group-host-cancel",
        {**HOST_PAGE, "team_provider": 302, "curator": 302},
        method="post",
        kwargs=_ids,
    ),
    Route("group-host-roster", HOST_PAGE, kwargs=_ids),
    Route(
        "group-host-attendance",
        {**HOST_PAGE, "team_provider": 302, "curator": 302},
        method="post",
        kwargs=_session,
    ),
    Route(
        "api-group-list",
        {**everyone(403), "team_provider": 201, "outsider": 201},
        method="post",
        data=_new_group,
    ),
    Route("api-group-detail", HOST_API, method="patch", kwargs=_ids, data=lambda w: {"capacity": 7}),
    Route("api-group-cancel", HOST_API, method="post", kwargs=_ids),
    Route("api-group-roster", HOST_API, kwargs=_ids),
    Route("api-group-session-attendance", HOST_API, method="put", kwargs=_session, data=_marks),
]
