"""The household page for guardians: who may consent for each of their children, on
what basis, and what the reader may do (``consent.household``). Thin: the portal's
policies choose the children, the portal's services log each child shown."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from consent import policies, services
from consent.household import household_authority, household_shown
from consent.views import _forbidden, _not_found
from families.roles import guardian_of
from referral_hub.errors import NotFound


@login_required
@require_GET
def household(request: HttpRequest) -> HttpResponse:
    """Every child the guardian sees (none a ``no_information`` order keeps from them)."""
    reader = guardian_of(request.user)
    if reader is None:
        return _forbidden(request, _("This page is for parents and guardians."))
    children = list(policies.visible_children(request.user).filter(is_own=True))
    household_shown(actor=request.user, children=children)
    return render(
        request,
        "consent/household.html",
        {"entries": household_authority(reader=reader, children=children), "one_child": None},
    )


@login_required
@require_GET
def child_household(request: HttpRequest, child_id: int) -> HttpResponse:
    """One child: 404 for anyone who is not its guardian, or whom an order keeps from it."""
    reader = guardian_of(request.user)
    try:
        child = services.portal_child_open(actor=request.user, child_id=child_id)
    except NotFound:
        return _not_found(request)
    if reader is None:  # pragma: no cover - portal_child_open answers only the family
        return _not_found(request)
    household_shown(actor=request.user, children=[child])
    return render(
        request,
        "consent/household.html",
        {"entries": household_authority(reader=reader, children=[child]), "one_child": child},
    )
