"""Web pages for providers (dashboard, new referral, referral detail) and the family
portal's referral list (the case page is ``cases.views``). Thin: the same services and
selectors as the API."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import selectors as case_selectors
from cases import services as case_services
from consent.models import DataCategory, Purpose
from directory.roles import provider_of
from families.roles import guardian_of
from referral_hub.errors import ApplicationError, NotFound
from referrals import picker, policies, selectors, services
from referrals.models import ConcernType, DeclineReason, Outcome, Urgency
from referrals.screening import ASQ3_DOMAIN_LABELS, ASQ3_DOMAINS, INSTRUMENTS, domain_rows, summary
from referrals.targets import TARGETS


def _not_found_as_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None

    return wrapper


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "referrals/forbidden.html", {"message": message}, status=403)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if provider_of(request.user) is None:
        return _forbidden(request, "The dashboard is for providers.")
    context = selectors.dashboard(actor=request.user)
    shown = {
        r.pk: r
        for key in (
            "needs_action",
            "overdue",
            "awaiting_response",
            "outcomes_back",
            "recent_outbox",
            "recent_inbox",
        )
        for r in context[key]
    }
    services.referrals_shown(actor=request.user, referrals=shown.values(), detail="dashboard")
    context["provider"] = provider_of(request.user)
    return render(request, "referrals/dashboard.html", context)


def _screening_from_post(post: Any) -> list[dict[str, Any]]:
    instrument = post.get("screening_instrument", "")
    if not instrument:
        return []
    item: dict[str, Any] = {"instrument": instrument, "administered_on": post.get("administered_on", "")}
    for key in ("interval_months", "total", "follow_up_total", "item_10"):
        if post.get(key, "") != "":
            item[key] = post.get(key)
    if instrument == "asq_3":
        item["domain_scores"] = {d: post.get(f"domain_{d}", "") for d in ASQ3_DOMAINS}
    return [item]


def _submission_id(request: HttpRequest) -> str:
    """The form's idempotency token: a new one per form shown, the posted one when valid.
    A double-submitted form (two clicks, a resend after a timeout) posts the same token,
    so ``referral_send`` stores one referral and the second post replays it."""
    try:
        return str(uuid.UUID(request.POST.get("submission_id", "")))
    except ValueError:
        return str(uuid.uuid4())


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    provider = provider_of(request.user)
    if provider is None:
        return _forbidden(request, "Only providers can send referrals.")
    error = None
    status = 200
    submission_id = _submission_id(request)
    if request.method == "POST":
        post = request.POST
        fields: dict[str, Any] = {
            "child_id": post.get("child"),
            "to_provider_id": post.get("to_provider"),
            "reason": post.get("reason", ""),
            "urgency": post.get("urgency", ""),
            "concern_type": post.get("concern_type", ""),
            "screenings": _screening_from_post(post),
            "data_categories": post.getlist("data_categories"),
        }
        try:
            result = services.referral_send(
                actor=request.user,
                idempotency_key=f"web:{submission_id}",
                fingerprint=services.request_fingerprint(fields),
                **fields,
            )
        except ApplicationError as exc:
            error, status = exc, exc.status
            if exc.code == "idempotency_key_reused":  # an old form sent again, changed
                submission_id = str(uuid.uuid4())
        else:
            sent = "was already sent" if result.replayed else "sent"
            messages.success(request, f"Referral #{result.referral.pk} {sent}.")
            return redirect("referral-page", pk=result.referral.pk)
    children = list(selectors.consented_children(provider=provider))
    services.children_shown(actor=request.user, children=children, detail="referral form child picker")
    data = request.POST if request.method == "POST" else request.GET
    context = {
        "children": children,
        "picker": picker.build(
            actor=request.user,
            me=provider,
            children=children,
            child_id=data.get("child"),
            to_provider_id=data.get("to_provider"),
        ),
        "urgencies": Urgency.choices,
        "urgency_targets": [(v, label, TARGETS[v]) for v, label in Urgency.choices],
        "chosen_categories": data.getlist("data_categories"),
        "ask_purposes": Purpose.choices,
        "ask_categories": DataCategory.choices,
        "concern_types": ConcernType.choices,
        "instruments": INSTRUMENTS,
        "asq3_domains": [(d, ASQ3_DOMAIN_LABELS[d]) for d in ASQ3_DOMAINS],
        "attachable": services.ATTACHABLE_CATEGORIES,
        "error": error,
        "form": data,
        "submission_id": submission_id,
    }
    return render(request, "referrals/referral_new.html", context, status=status)


@login_required
@_not_found_as_404
def referral_page(request: HttpRequest, pk: int) -> HttpResponse:
    access = services.referral_open(actor=request.user, referral_id=pk)
    if access.restricted:
        return render(
            request,
            "referrals/referral_restricted.html",
            {
                "referral": access.referral,
                "role": access.role,
                "ended": policies.referral_access_ended(access),
            },
        )
    referral = selectors.referral_detail(referral=access.referral)
    actions = services.available_actions(access.role, referral.status)
    screenings = [
        (
            s,
            INSTRUMENTS.get(s.instrument, s.instrument),
            summary(s.instrument, s.result),
            domain_rows(s.instrument, s.inputs, s.result),
        )
        for s in referral.screenings.all()
    ]
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "role": access.role,
            "actions": actions,
            "screenings": screenings,
            "decline_reasons": DeclineReason.choices,
            "outcomes": Outcome.choices,
            "overdue": referral.overdue_flags(),
        },
    )


def _local_datetime(value: Any) -> Any:
    """A ``datetime-local`` field's value (no offset) is a time in the reader's zone (the
    one the page showed); anything unreadable goes on to the service, which explains."""
    if not isinstance(value, str):
        return value
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        return value
    if parsed is None:
        return value
    if timezone.is_naive(parsed):
        return timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


ACTIONS: dict[str, Callable[..., Any]] = {
    "accept": lambda user, pk, post: services.referral_accept(
        actor=user, referral_id=pk, note=post.get("note", "")
    ),
    "decline": lambda user, pk, post: services.referral_decline(
        actor=user, referral_id=pk, decline_reason=post.get("decline_reason", ""), note=post.get("note", "")
    ),
    "schedule": lambda user, pk, post: services.referral_schedule(
        actor=user,
        referral_id=pk,
        appointment_at=_local_datetime(post.get("appointment_at", "")),
        note=post.get("note", ""),
    ),
    "reschedule": lambda user, pk, post: services.referral_reschedule(
        actor=user,
        referral_id=pk,
        appointment_at=_local_datetime(post.get("appointment_at", "")),
        reason=post.get("reason", ""),
    ),
    "complete": lambda user, pk, post: services.referral_complete(
        actor=user, referral_id=pk, outcome=post.get("outcome", ""), note=post.get("note", "")
    ),
    "cancel": lambda user, pk, post: services.referral_cancel(
        actor=user, referral_id=pk, reason=post.get("reason", "")
    ),
}


@login_required
@require_POST
@_not_found_as_404
def referral_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    if verb not in ACTIONS:
        raise Http404
    try:
        referral = ACTIONS[verb](request.user, pk, request.POST)
    except NotFound:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _done_message(verb, referral))
        if referral.status == "declined":
            # The recipient's access ended with the decline: back to the dashboard.
            return redirect("referrals-dashboard")
    return redirect("referral-page", pk=pk)


def _done_message(verb: str, referral: Any) -> str:
    if verb in ("schedule", "reschedule") and referral.appointment_at is not None:
        when = date_format(timezone.localtime(referral.appointment_at), "j M Y, g:i A T")
        if verb == "reschedule":
            return _(
                "Appointment for referral #%(pk)s moved to %(when)s; the family and the referrer are told."
            ) % {
                "pk": referral.pk,
                "when": when,
            }
        return _("Referral #%(pk)s is scheduled for %(when)s.") % {"pk": referral.pk, "when": when}
    return f"Referral #{referral.pk} is now {referral.get_status_display().lower()}."


@login_required
def portal_referrals(request: HttpRequest) -> HttpResponse:
    if guardian_of(request.user) is None:
        return _forbidden(request, "This page is for families.")
    referrals = list(selectors.portal_referrals(actor=request.user))
    cases = list(case_selectors.case_list(actor=request.user))
    services.referrals_shown(actor=request.user, referrals=referrals, detail="family referrals page")
    case_services.cases_shown(actor=request.user, cases=cases, detail="family referrals page")
    return render(request, "referrals/portal_referrals.html", {"referrals": referrals, "cases": cases})
