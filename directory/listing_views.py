"""Listing pages: the provider's one-click capacity (from the dashboard), "Edit my
listing" with "Confirm my listing is correct", the public "Report a problem" form,
claiming a listing, and the curators' listing queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.request import Request

from directory import listings, policies, selectors, service_areas
from directory.listing_apis import FlagThrottle
from directory.models import LANGUAGE_NAMES, Capacity, ListingFlag, Provider, ServiceDelivery
from directory.roles import provider_of
from referral_hub.errors import ApplicationError, NotFound

DASHBOARD = "referrals-dashboard"


def _post_text(request: HttpRequest, name: str) -> str:
    return request.POST.get(name, "")


@login_required
@require_POST
def capacity_quick(request: HttpRequest) -> HttpResponse:
    """The dashboard's capacity form: set it, say what changed, go back."""
    provider = provider_of(request.user)
    if provider is None:
        raise PermissionDenied
    try:
        change = listings.capacity_set(
            actor=request.user,
            provider_id=provider.pk,
            capacity=_post_text(request, "capacity"),
            waitlist_weeks=_post_text(request, "waitlist_weeks"),
            note=_post_text(request, "capacity_note"),
        )
    except ApplicationError as exc:
        messages.error(request, _("Capacity not changed: %(reason)s") % {"reason": exc.message})
    else:
        messages.success(request, change.message)
    return redirect(DASHBOARD)


def _editable(request: HttpRequest, provider_id: int) -> Provider:
    try:
        return policies.access_listing_for_edit(request.user, provider_id)
    except NotFound:
        raise Http404("No such provider") from None
    except ApplicationError:
        raise PermissionDenied from None


def _save_listing(request: HttpRequest, provider: Provider) -> str:
    data = {
        "phone": _post_text(request, "phone"),
        "email": _post_text(request, "email"),
        "website": _post_text(request, "website"),
        "hours": _post_text(request, "hours"),
        "services": _post_text(request, "services"),
        # Ticked by name on the page (several ``languages`` values); the service takes codes.
        "languages": ", ".join(request.POST.getlist("languages")),
    }
    changed = listings.listing_update(actor=request.user, provider_id=provider.pk, data=data)
    if _post_text(request, "delivery_form"):
        changed += listings.listing_delivery_set(
            actor=request.user,
            provider_id=provider.pk,
            service_delivery=request.POST.getlist("service_delivery"),
            service_area={
                "zips": _post_text(request, "service_zips"),
                "counties": _post_text(request, "service_counties"),
                "radius_miles": _post_text(request, "service_radius_miles"),
                "center_zip": _post_text(request, "service_center_zip"),
            },
        )
    said = (
        [_("Saved: %(fields)s.") % {"fields": ", ".join(changed)}] if changed else [_("No details changed.")]
    )
    if _post_text(request, "capacity"):
        change = listings.capacity_set(
            actor=request.user,
            provider_id=provider.pk,
            capacity=_post_text(request, "capacity"),
            waitlist_weeks=_post_text(request, "waitlist_weeks"),
            note=_post_text(request, "capacity_note"),
        )
        said.append(change.message)
    return " ".join(said)


def _language_options(chosen: list[str]) -> list[tuple[str, str, bool]]:
    """(code, name in the reader's language, ticked) for every named language, by name;
    a code the listing holds without a name is kept (shown as the code) so saving loses
    nothing."""
    codes = {c.strip().lower() for value in chosen for c in value.split(",") if c.strip()}
    named = sorted(
        ((code, str(name)) for code, name in LANGUAGE_NAMES.items()), key=lambda p: p[1].casefold()
    )
    extra = [(code, code) for code in sorted(codes - set(LANGUAGE_NAMES))]
    return [(code, name, code in codes) for code, name in named + extra]


def _delivery_values(
    request: HttpRequest, provider: Provider, error: ApplicationError | None
) -> dict[str, Any]:
    """The delivery fieldset's values: as typed after a refusal, else as stored."""
    if error:
        return {
            "codes": request.POST.getlist("service_delivery"),
            "zips": _post_text(request, "service_zips"),
            "counties": _post_text(request, "service_counties"),
            "radius_miles": _post_text(request, "service_radius_miles"),
            "center_zip": _post_text(request, "service_center_zip"),
        }
    area = service_areas.area_public(provider) or {}
    radius = area.get("radius") or {}
    center = str(radius.get("center", ""))
    return {
        "codes": provider.service_delivery,
        "zips": " ".join(area.get("zips", [])),
        "counties": "\n".join(f"{c['name']}, {c['state']}" for c in area.get("counties", [])),
        "radius_miles": f"{radius['miles']:g}" if radius else "",
        "center_zip": center if center.isdigit() else "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def listing_edit(request: HttpRequest, provider_id: int) -> HttpResponse:
    """The provider's own listing (or a curator's edit of it). Bad input keeps what was
    typed and names the field."""
    provider = _editable(request, provider_id)
    error = None
    if request.method == "POST":
        try:
            with transaction.atomic():  # a refusal anywhere on the page changes nothing
                said = _save_listing(request, provider)
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, said)
            return redirect("listing-edit", provider_id=provider.pk)
    form = request.POST if error else None
    context = {
        "provider": provider,
        "form": form,
        "error": error,
        "error_field": error.extra.get("field") if error else None,
        "capacities": Capacity.choices,
        "delivery": _delivery_values(request, provider, error),
        "delivery_choices": ServiceDelivery.choices,
        "language_names": LANGUAGE_NAMES,
        "language_options": _language_options(
            request.POST.getlist("languages") if error else provider.language_codes
        ),
    }
    return render(request, "directory/listing_edit.html", context, status=400 if error else 200)


@login_required
@require_POST
def listing_confirm(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = _editable(request, provider_id)
    provider = listings.listing_confirm(actor=request.user, provider_id=provider.pk)
    messages.success(
        request,
        _("Thank you: your listing is marked as checked today (%(date)s).")
        % {"date": provider.assured_date.isoformat() if provider.assured_date else ""},
    )
    return redirect("listing-edit", provider_id=provider.pk)


def _public_provider(provider_id: int) -> Provider:
    try:
        return selectors.provider_get_public(provider_id=provider_id)
    except NotFound:
        raise Http404("No such provider") from None


@require_http_methods(["GET", "POST"])
def listing_report(request: HttpRequest, provider_id: int) -> HttpResponse:
    """ "Report a problem with this listing": anyone, throttled per client address."""
    provider = _public_provider(provider_id)
    error = None
    status = 200
    if request.method == "POST":
        throttle = FlagThrottle()
        if not throttle.allow_request(Request(request), None):  # type: ignore[arg-type]  # the view is unused by this throttle
            error = ApplicationError(
                "throttled", _("Too many reports from this connection. Please try again later."), status=429
            )
        else:
            try:
                listings.listing_flag(
                    actor=request.user,
                    provider_id=provider.pk,
                    reason=_post_text(request, "reason"),
                    note=_post_text(request, "note"),
                )
            except ApplicationError as exc:
                error = exc
            else:
                messages.success(request, _("Thank you. A curator will check this listing."))
                return redirect("provider-page", provider_id=provider.pk)
        status = error.status
    context = {
        "provider": provider,
        "reasons": ListingFlag.Reason.choices,
        "form": request.POST if error else None,
        "error": error,
    }
    return render(request, "directory/listing_report.html", context, status=status)


@login_required
@require_POST
def listing_claim(request: HttpRequest, provider_id: int) -> HttpResponse:
    """ "This is my listing": a claim a curator decides."""
    try:
        listings.listing_claim(actor=request.user, provider_id=provider_id, note=_post_text(request, "note"))
    except NotFound:
        raise Http404("No such provider") from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your claim was sent. A curator will check it and let you know."))
    return redirect("provider-page", provider_id=provider_id)


@login_required
def listing_queue(request: HttpRequest) -> HttpResponse:
    if not policies.can_curate(request.user):
        raise PermissionDenied
    queue = selectors.listing_queue()
    return render(request, "directory/listing_queue.html", {"queue": queue})


def _queue_action(request: HttpRequest, run: str, object_id: int) -> HttpResponse:
    if not policies.can_curate(request.user):
        raise PermissionDenied
    note = _post_text(request, "note")
    try:
        if run == "approve":
            claim = listings.claim_approve(actor=request.user, claim_id=object_id, note=note)
            said = _("Approved: %(user)s is now the provider behind “%(name)s”.")
            said %= {"user": claim.user.get_username(), "name": claim.provider.name}
        elif run == "reject":
            claim = listings.claim_reject(actor=request.user, claim_id=object_id, note=note)
            said = _("Rejected the claim of %(user)s on “%(name)s”.")
            said %= {"user": claim.user.get_username(), "name": claim.provider.name}
        else:
            flag = listings.flag_resolve(actor=request.user, flag_id=object_id, note=note)
            said = _("Resolved the report on “%(name)s”: %(note)s") % {
                "name": flag.provider.name,
                "note": flag.resolution_note,
            }
    except NotFound:
        raise Http404("Not found") from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, said)
    return redirect(reverse("listing-queue"))


@login_required
@require_POST
def claim_approve(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _queue_action(request, "approve", claim_id)


@login_required
@require_POST
def claim_reject(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _queue_action(request, "reject", claim_id)


@login_required
@require_POST
def flag_resolve(request: HttpRequest, flag_id: int) -> HttpResponse:
    return _queue_action(request, "resolve", flag_id)
