"""``/r/{token}/``: the page a recipient without an account reaches from the link it was
e-mailed (no sign-in; the signed, single-use token is the credential). GET shows the
referral as far as the family's consent covers the partner and the step's form; POST
does the step (``referrals.partner_steps``). Refusals render with their status
(404 ``link_invalid``, 409 ``link_used``, 410 ``link_expired``, 403 ``consent_required``)
and, for a client asking for JSON, as ``{"detail", "code"}``."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from consent.models import DataCategory
from referral_hub import phones
from referral_hub.errors import ApplicationError, FieldError
from referral_hub.inputs import plain
from referrals.inputs import TRANSITION_FORMS
from referrals.models import DeclineReason, Outcome, Referral
from referrals.partner_steps import StepInput, partner_link_act, partner_link_open
from referrals.partners import next_link_stopped, text_number_of
from referrals.screening import INSTRUMENTS, summary

TEMPLATE = "referrals/partner_link.html"


def _wants_json(request: HttpRequest) -> bool:
    return request.content_type == "application/json" or "json" in request.headers.get("Accept", "")


def _sent(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    return dict(request.POST.items())


def _refused(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": exc.message, "code": exc.code, **exc.extra}, status=exc.status)
    return render(request, TEMPLATE, {"error": exc, "message": plain(exc)}, status=exc.status)


def _page(
    request: HttpRequest, token: str, *, failed: str = "", form: Any = None, status: int = 200
) -> HttpResponse:
    page = partner_link_open(token=token)
    if _wants_json(request):
        return JsonResponse(
            {
                "referral": page.referral.pk,
                "status": page.referral.status,
                "partner": {"name": page.partner_name, "via_link": True},
                "step": page.link.step,
                "actions": list(page.verbs),
                "expires_at": page.link.expires_at.isoformat(),
                "shown": page.shown,
            },
            status=status,
        )
    context = {
        "page": page,
        "referral": page.referral,
        "shown_labels": [DataCategory(c).label for c in page.shown],
        "screenings": [
            (s, INSTRUMENTS.get(s.instrument, s.instrument), summary(s.instrument, s.result))
            for s in page.screenings
        ],
        "decline_reasons": DeclineReason.choices,
        "outcomes": Outcome.choices,
        "failed": failed,
        "errors": form.errors if form is not None else {},
        "typed": form.data if form is not None else {},
        "zone": timezone.get_current_timezone_name() or settings.TIME_ZONE,
    }
    return render(request, TEMPLATE, context, status=status)


@csrf_exempt  # no session: the unguessable single-use token is the credential
@require_http_methods(["GET", "POST"])
def partner_link_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "GET":
            return _page(request, token)
        data = _sent(request)
        verb = str(data.get("action", ""))
        if verb not in ("accept", "decline", "schedule", "complete"):
            return _page(request, token, failed="action", status=400)
        form = TRANSITION_FORMS[verb](data)
        if not form.is_valid():
            return _page(request, token, failed=verb, form=form, status=400)
        values = dict(form.cleaned_data)
        note = str(values.pop("note", "") or "")
        if verb == "decline":
            values["decline_note"] = note
        if verb == "complete":
            values["outcome_note"] = note
        try:
            referral = partner_link_act(
                token=token,
                step=StepInput(verb=verb, changes=values, note=note),
                language=getattr(request, "LANGUAGE_CODE", "en") or "en",
            )
        except FieldError as exc:  # e.g. an appointment in the past: beside its field
            if exc.field not in form.fields:
                raise
            form.add_error(exc.field, exc.plain)
            return _page(request, token, failed=verb, form=form, status=exc.status)
    except ApplicationError as exc:
        return _refused(request, exc)
    if _wants_json(request):
        return JsonResponse({"referral": referral.pk, "status": referral.status})
    return render(
        request,
        TEMPLATE,
        {
            "done": referral,
            "next_link": verb in ("accept", "schedule"),
            "link_stopped": next_link_stopped(referral.to_provider),
            "email": _sent_to(referral),
        },
    )


def _sent_to(referral: Referral) -> str:
    """Where the next link goes: the partner's e-mail address, else its number for texts."""
    partner = referral.to_provider
    return partner.email or phones.display(text_number_of(partner))
