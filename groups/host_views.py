"""The host's pages: my groups, a new group, edit, cancel, and the roster with one
attendance form per session (checkboxes; phone-friendly). Only the host or a curator;
anyone else gets the 404 of a missing group (``groups.policies.access_group_for_host``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from directory.models import LANGUAGE_NAMES, Provider
from directory.roles import provider_of
from endorsement.models import Domain
from groups import attendance, host_forms, host_services
from groups.models import Audience, Group, Kind
from groups.policies import access_group_for_host
from people.roles import is_curator
from referral_hub.errors import ApplicationError, NotFound

TIME_ZONES = (
    "America/New_York",
    "America/Detroit",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
)


def _host_group(request: HttpRequest, group_id: int) -> Group:
    try:
        return access_group_for_host(request.user, group_id)
    except NotFound:
        raise Http404("No such group") from None


def _form_context(host: Provider, values: dict[str, Any], error: ApplicationError | None) -> dict[str, Any]:
    return {
        "values": values,
        "error": error,
        "error_field": error.extra.get("field") if error else None,
        "locations": list(host.locations.all()),
        "kinds": Kind.choices,
        "audiences": Audience.choices,
        "languages": sorted(LANGUAGE_NAMES.items(), key=lambda item: str(item[1])),
        "time_zones": TIME_ZONES,
        "domains": Domain.choices,
        "weekdays": host_forms.WEEKDAYS,
        "nths": host_forms.NTH,
        "repeats": host_forms.REPEATS,
    }


NEW_GROUP = {
    "language": "en",
    "capacity": 12,
    "waitlist_open": True,
    "time_zone": "America/Detroit",
    "duration_minutes": 90,
    "repeat": "weekly",
    "ends": "count",
    "count": 8,
}


@login_required
def host_groups(request: HttpRequest) -> HttpResponse:
    """The groups the provider hosts (a curator without a listing sees every group)."""
    own = provider_of(request.user)
    if own is None and not is_curator(request.user):
        raise PermissionDenied
    rows = Group.objects.select_related("host", "location").order_by("cancelled_at", "starts_on", "pk")
    groups = rows.filter(host=own) if own is not None else rows
    return render(request, "groups/host/list.html", {"groups": groups, "provider": own})


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    try:
        host = host_services.host_for_create(request.user, request.POST.get("host"))
    except ApplicationError:
        raise PermissionDenied from None
    if request.method == "POST":
        try:
            group = host_services.group_create(
                actor=request.user, data=host_forms.data_from_post(request.POST)
            )
        except ApplicationError as error:
            context = _form_context(host, host_forms.initial_from_post(request.POST), error)
            return render(request, "groups/host/form.html", context, status=400)
        messages.success(request, _("Group published: %(name)s.") % {"name": group.name})
        return redirect("group-host-roster", group_id=group.pk)
    return render(request, "groups/host/form.html", _form_context(host, dict(NEW_GROUP), None))


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _host_group(request, group_id)
    if request.method == "POST":
        try:
            host_services.group_update(
                actor=request.user, group_id=group.pk, data=host_forms.data_from_post(request.POST)
            )
        except ApplicationError as error:
            context = _form_context(group.host, host_forms.initial_from_post(request.POST), error)
            return render(request, "groups/host/form.html", {**context, "group": group}, status=400)
        messages.success(request, _("Changes saved."))
        return redirect("group-host-roster", group_id=group.pk)
    context = _form_context(group.host, host_forms.initial_of(group), None)
    return render(request, "groups/host/form.html", {**context, "group": group})


@login_required
@require_POST
def group_cancel(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _host_group(request, group_id)
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick “Yes, cancel this group” to cancel it."))
        return redirect("group-host-roster", group_id=group.pk)
    try:
        host_services.group_cancel(actor=request.user, group_id=group.pk)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The group is cancelled: %(name)s.") % {"name": group.name})
    return redirect("group-host-roster", group_id=group.pk)


@login_required
def group_roster(request: HttpRequest, group_id: int) -> HttpResponse:
    try:
        found = attendance.roster(actor=request.user, group_id=group_id)
    except NotFound:
        raise Http404("No such group") from None
    return render(
        request,
        "groups/host/roster.html",
        {"roster": found, "group": found.group, "sessions": list(reversed(found.sessions))},
    )


@login_required
@require_POST
def session_attendance(request: HttpRequest, group_id: int, start: str) -> HttpResponse:
    """One session's form: every registered person listed (``people``), ticked present."""
    group = _host_group(request, group_id)
    present = set(request.POST.getlist("present"))
    marks = {pk: pk in present for pk in request.POST.getlist("people")}
    try:
        session = attendance.parse_start(start)
        result = attendance.session_attendance_set(
            actor=request.user, group_id=group.pk, start=session, marks=marks
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("group-host-roster", group_id=group.pk)
    for refusal in result.refused:
        messages.warning(
            request,
            _("Attendance kept, but no portfolio entry was made for one person: %(reason)s")
            % {"reason": refusal.detail},
        )
    came = sum(marks.values())
    messages.success(
        request,
        _("Attendance saved: %(came)s of %(total)s present.") % {"came": came, "total": len(marks)},
    )
    return redirect(
        reverse("group-host-roster", kwargs={"group_id": group.pk}) + f"#session-{session:%Y%m%d%H%M}"
    )
