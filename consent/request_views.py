"""Consent requests on web pages: a provider asks from the referral form; the guardian
reads the request (with the authorization text it would sign) and signs or declines.
Thin: the same services and selectors as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from consent import policies, requests, services
from consent.extensions import request_return_url
from consent.forms import default_expiry
from consent.models import ConsentRequest, ConsentRequestStatus
from consent.texts import TEXT_VERSION
from directory.roles import provider_of
from families.roles import guardian_of
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.ids import id_for_lookup


def _message(request: HttpRequest, title: str, text: str, status: int) -> HttpResponse:
    return render(request, "families/message.html", {"title": title, "text": text}, status=status)


def _back(request: HttpRequest) -> str:
    """Where the asking provider returns: the referral form, with the same child."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return request_return_url(request.user)


@login_required
@require_POST
def consent_request_new(request: HttpRequest) -> HttpResponse:
    """A provider asks the family to share with the provider chosen on the referral form."""
    if provider_of(request.user) is None:
        return _message(request, _("Not available"), _("Only providers can ask a family to share."), 403)
    post = request.POST
    try:
        asked = requests.consent_request_create(
            actor=request.user,
            child_id=id_for_lookup(post.get("child")),
            provider_id=id_for_lookup(post.get("provider")),
            purposes=post.getlist("purposes"),
            data_categories=post.getlist("data_categories"),
            note=post.get("note", ""),
        )
    except NotFound:
        return _message(request, _("Not found"), _("There is nothing here for you."), 404)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("We asked the family to share with %(provider)s. You will be told their answer.")
            % {"provider": asked.provider.name},
        )
    return redirect(_back(request))


def _answer(request: HttpRequest, row: ConsentRequest) -> tuple[str | None, dict[str, str]]:
    """Apply the posted answer. Returns (success message or None, field errors)."""
    post = request.POST
    try:
        if post.get("action") == "decline":
            requests.consent_request_decline(
                actor=request.user, request_id=row.pk, reason=post.get("reason", "")
            )
            return _("You declined. Nothing was shared, and the provider who asked was told."), {}
        requests.consent_request_sign(
            actor=request.user,
            request_id=row.pk,
            password=post.get("password", ""),
            expires_on=post.get("expires_on") or None,
            text_version=post.get("text_version") or None,
        )
        return _("Signed. %(provider)s may now see what you agreed to share.") % {
            "provider": row.provider.name
        }, {}
    except ApplicationError as exc:
        return None, {str(exc.extra.get("field") or "form"): exc.message}


@login_required
@require_http_methods(["GET", "POST"])
def consent_request_page(request: HttpRequest, request_id: int) -> HttpResponse:
    """A guardian reads a request (who asks, for whom, what, why, and the authorization
    text they would sign) and signs with their password or declines."""
    guardian = guardian_of(request.user)
    if guardian is None:
        return _message(
            request, _("Not available"), _("Only a child's guardian may answer this request."), 403
        )
    try:
        row = requests.consent_request_for_guardian(actor=request.user, request_id=request_id)
    except NotFound:
        return _message(request, _("Not found"), _("There is nothing here for you."), 404)
    errors: dict[str, str] = {}
    if request.method == "POST" and row.status == ConsentRequestStatus.PENDING:
        done, errors = _answer(request, row)
        if done is not None:
            messages.success(request, done)
            return redirect("portal")
    services.portal_child_shown(
        actor=request.user, child_id=row.child_id, object_type="consent_request", object_id=row.pk
    )
    expires_on = request.POST.get("expires_on") or default_expiry().isoformat()
    try:
        shown_expiry = services.validate_expiry(expires_on)
    except ApplicationError:
        shown_expiry = default_expiry()
    sections, _text = services.authorization_for(
        child=row.child,
        guardian=policies.guardian_for_child(request.user, row.child_id),
        provider=row.provider,
        organization=None,
        purposes=row.purposes,
        data_categories=row.data_categories,
        expires_on=shown_expiry,
    )
    context: dict[str, Any] = {
        "req": row,
        "sections": sections,
        "text_version": TEXT_VERSION,
        "expires_on": expires_on,
        "max_expiry": services.MAX_TERM_DAYS,
        "errors": errors,
        "can_sign": guardian.has_legal_authority,
    }
    return render(request, "consent/request.html", context, status=400 if errors else 200)
