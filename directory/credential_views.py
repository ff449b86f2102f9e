"""Pages for evidence-based model credentials: the provider's own list and form ("My
evidence-based models", from "Edit my listing"), and the curators' verification queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directory import credentials, policies, selectors
from directory.model_catalogue import model_name
from directory.models import ModelStatus, Provider
from referral_hub.errors import ApplicationError, NotFound

FIELDS = ("code", "status", "issuer", "credential_number", "expires_on")


def _editable(request: HttpRequest, provider_id: int) -> Provider:
    try:
        return policies.access_listing_for_edit(request.user, provider_id)
    except NotFound:
        raise Http404("No such provider") from None
    except ApplicationError:
        raise PermissionDenied from None


@login_required
@require_http_methods(["GET", "POST"])
def provider_models(request: HttpRequest, provider_id: int) -> HttpResponse:
    """The listing's credentials with their verification, and the form to add or change
    one (the same model again changes it). Bad input keeps what was typed, 400."""
    provider = _editable(request, provider_id)
    error = None
    if request.method == "POST":
        data = {key: request.POST.get(key, "") for key in FIELDS}
        try:
            credential, _created = credentials.model_credential_save(
                actor=request.user, provider_id=provider.pk, data=data
            )
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Saved: %(model)s. A curator checks it with the issuer before families see it.")
                % {"model": credential.name},
            )
            return redirect("provider-models", provider_id=provider.pk)
    context = {
        "provider": provider,
        "credentials": selectors.model_credentials_of(provider_id=provider.pk),
        "form": request.POST if error else None,
        "error": error,
        "error_field": error.extra.get("field") if error else None,
        "model_choices": selectors.model_choices(),
        "statuses": ModelStatus.choices,
    }
    return render(request, "directory/provider_models.html", context, status=400 if error else 200)


@login_required
@require_POST
def provider_model_remove(request: HttpRequest, provider_id: int, code: str) -> HttpResponse:
    provider = _editable(request, provider_id)
    try:
        credentials.model_credential_remove(actor=request.user, provider_id=provider.pk, code=code)
    except NotFound:
        raise Http404("No such credential") from None
    messages.success(request, _("Removed: %(model)s.") % {"model": model_name(code)})
    return redirect("provider-models", provider_id=provider.pk)


@login_required
@require_GET
def curate_models(request: HttpRequest) -> HttpResponse:
    if not policies.can_curate(request.user):
        raise PermissionDenied
    queue = selectors.model_credentials_for_curation()[:200]
    return render(request, "directory/curate_models.html", {"queue": queue})


def _decide(request: HttpRequest, credential_id: int, verify: bool) -> HttpResponse:
    if not policies.can_curate(request.user):
        raise PermissionDenied
    note = request.POST.get("note", "")
    try:
        if verify:
            credential = credentials.model_credential_verify(
                actor=request.user, credential_id=credential_id, note=note
            )
            done = _("Verified: %(model)s for %(name)s now shows in the directory.")
        else:
            credential = credentials.model_credential_reject(
                actor=request.user, credential_id=credential_id, note=note
            )
            done = _("Not verified: %(model)s for %(name)s. The provider sees your reason.")
    except NotFound:
        raise Http404("No such credential") from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done % {"model": credential.name, "name": credential.provider.name})
    return redirect("curate-models")


@login_required
@require_POST
def curate_model_verify(request: HttpRequest, credential_id: int) -> HttpResponse:
    return _decide(request, credential_id, verify=True)


@login_required
@require_POST
def curate_model_reject(request: HttpRequest, credential_id: int) -> HttpResponse:
    return _decide(request, credential_id, verify=False)
