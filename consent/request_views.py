"""Consent requests on web pages: a provider asks from the referral form; the guardian
reads the request (with the authorization text it would sign) and signs or declines.
Thin: the same services and selectors as the API."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from consent import policies, requests, services
from consent.authority import consenting_authority
from consent.extensions import request_asked, request_return_url
from consent.forms import (
    ConsentRequestDeclineForm,
    ConsentRequestForm,
    ConsentRequestSignForm,
    default_expiry,
)
from consent.models import ConsentRequest, ConsentRequestStatus
from consent.texts import TEXT_VERSION
from directory.roles import provider_of
from families.models import Authority
from families.roles import guardian_of
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.inputs import first_error, plain, show_refusal


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
    form = ConsentRequestForm(request.POST)
    if not form.is_valid() and "child" in form.errors:
        # As the API answers (``not_found``): no child is a child this provider cannot see.
        return _message(request, _("Not found"), _("There is nothing here for you."), 404)
    if not form.is_valid():
        # The panel lives on the referral form (another app's page): the refusal goes back
        # there as a message, naming the field in the reader's words.
        field, message = first_error(form)
        label = form.fields[field].label if field else None
        messages.error(request, f"{label}: {message}" if label else message)
        return redirect(_back(request))
    valid = form.cleaned_data
    try:
        asked = requests.consent_request_create(
            actor=request.user,
            child_id=valid["child"],
            provider_id=valid["provider"],
            purposes=valid["purposes"],
            data_categories=valid["data_categories"],
            note=valid["note"],
        )
    except NotFound:
        return _message(request, _("Not found"), _("There is nothing here for you."), 404)
    except ApplicationError as exc:
        messages.error(request, plain(exc))
    else:
        request_asked(request.user, valid["child"], valid["provider"], request.POST)
        messages.success(
            request,
            _("We asked the family to share with %(provider)s. You will be told their answer.")
            % {"provider": asked.provider.name},
        )
    return redirect(_back(request))


def _answer(request: HttpRequest, row: ConsentRequest) -> tuple[str | None, Form]:
    """Apply the posted answer (the same forms as the API's). Returns (success message or
    None, the bound form with any refusal beside its field)."""
    declining = request.POST.get("action") == "decline"
    form: Form = (ConsentRequestDeclineForm if declining else ConsentRequestSignForm)(request.POST)
    if not form.is_valid():
        return None, form
    valid = form.cleaned_data
    try:
        if declining:
            requests.consent_request_decline(actor=request.user, request_id=row.pk, reason=valid["reason"])
            return _("You declined. Nothing was shared, and the provider who asked was told."), form
        requests.consent_request_sign(
            actor=request.user,
            request_id=row.pk,
            password=valid["password"],
            expires_on=valid["expires_on"],
            text_version=valid["text_version"] or None,
        )
    except ApplicationError as exc:
        show_refusal(form, exc)
        return None, form
    return _("Signed. %(provider)s may now see what you agreed to share.") % {
        "provider": row.provider.name
    }, form


def _shown_expiry(form: Form | None) -> datetime.date:
    """The expiry the authorization text names: the one typed, when it is allowed."""
    typed = (
        form.cleaned_data.get("expires_on") if form is not None and hasattr(form, "cleaned_data") else None
    )
    try:
        return services.validate_expiry(typed) if typed else default_expiry()
    except ApplicationError:
        return default_expiry()


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
    form: Form | None = None
    if request.method == "POST" and row.status == ConsentRequestStatus.PENDING:
        done, form = _answer(request, row)
        if done is not None:
            messages.success(request, done)
            return redirect("portal")
        errors = {
            "form" if field == NON_FIELD_ERRORS else field: " ".join(str(m) for m in messages_)
            for field, messages_ in form.errors.items()
        }
    services.portal_child_shown(
        actor=request.user, child_id=row.child_id, object_type="consent_request", object_id=row.pk
    )
    expires_on = request.POST.get("expires_on") or default_expiry().isoformat()
    shown_expiry = _shown_expiry(form)
    signer = policies.guardian_for_child(request.user, row.child_id)
    try:
        basis: Authority | None = consenting_authority(signer, row.child_id, row.purposes)
    except ApplicationError:
        basis = None  # the page says who can sign instead of showing a text
    sections: list[Any] = []
    if basis is not None:
        sections, _text = services.authorization_for(
            child=row.child,
            guardian=signer,
            provider=row.provider,
            organization=None,
            purposes=row.purposes,
            data_categories=row.data_categories,
            expires_on=shown_expiry,
            basis=basis,
        )
    context: dict[str, Any] = {
        "req": row,
        "sections": sections,
        "text_version": TEXT_VERSION,
        "expires_on": expires_on,
        "max_expiry": services.MAX_TERM_DAYS,
        "errors": errors,
        "reason": request.POST.get("reason", "") if form is not None else "",
        "can_sign": basis is not None,
    }
    return render(request, "consent/request.html", context, status=400 if errors else 200)
