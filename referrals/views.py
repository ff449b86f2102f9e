"""Web pages for providers (dashboard, new referral, referral detail) and the family
portal's referral list (the case page is ``cases.views``). Thin: the same inputs
(``referrals.inputs``), services and selectors as the API."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import policies as case_policies
from cases import selectors as case_selectors
from cases import services as case_services
from consent.models import DataCategory, Purpose
from directory.roles import provider_of
from families.roles import guardian_of
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.inputs import plain, show_refusal
from referrals import picker, policies, selectors, services, steps
from referrals.contact import family_contact
from referrals.drafts import referral_draft_for
from referrals.inputs import TRANSITION_FORMS, NeedsMetForm, ReferralSendForm, send_from
from referrals.models import (
    Barrier,
    ConcernType,
    DeclineReason,
    NeedsMet,
    Outcome,
    Referral,
    StepKind,
    Urgency,
)
from referrals.needs_met import referral_family_answer
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
    _each_once(context)
    return render(request, "referrals/dashboard.html", context)


# The dashboard's lists, most pressing first: a referral is listed once, in the first that
# holds it (an overdue referral in the inbox is not listed again under "Overdue", an
# outcome back not again under "Recently sent"); each other list says how many of its
# referrals are in another list.
DASHBOARD_LISTS = (
    "needs_action",
    "overdue",
    "awaiting_response",
    "outcomes_back",
    "recent_outbox",
    "recent_inbox",
)


def _each_once(context: dict[str, Any]) -> None:
    listed: set[int] = set()
    for key in DASHBOARD_LISTS:
        rows = list(context[key])
        context[key] = [r for r in rows if r.pk not in listed]
        context[f"{key}_above"] = len(rows) - len(context[key])
        listed |= {r.pk for r in rows}


def _submission_id(request: HttpRequest) -> str:
    """The form's idempotency token: a new one per form shown, the posted one when valid.
    A double-submitted form (two clicks, a resend after a timeout) posts the same token,
    so ``referral_send`` stores one referral and the second post replays it."""
    try:
        return str(uuid.UUID(request.POST.get("submission_id", "")))
    except ValueError:
        return str(uuid.uuid4())


def _fingerprint(post: Any) -> str:
    """The form as posted (not its token): a changed form sent again is a different body."""
    return services.request_fingerprint(
        {
            key: post.getlist(key)
            for key in sorted(post)
            if key not in ("csrfmiddlewaretoken", "submission_id")
        }
    )


def _send(request: HttpRequest, form: ReferralSendForm, submission_id: str) -> services.SendResult:
    return send_from(
        form,
        actor=request.user,
        idempotency_key=f"web:{submission_id}",
        fingerprint=_fingerprint(request.POST),
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    """The referral form. Bound to ``ReferralSendForm`` (the API's input too): a refusal
    re-renders it with everything typed, each message beside its field."""
    provider = provider_of(request.user)
    if provider is None:
        return _forbidden(request, _("Only providers can send referrals."))
    error: ApplicationError | None = None
    status = 200
    submission_id = _submission_id(request)
    form = ReferralSendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not form.is_valid():
        status = 400
    elif request.method == "POST":
        try:
            result = _send(request, form, submission_id)
        except ApplicationError as exc:
            error, status = exc, exc.status
            if exc.extra.get("field"):
                show_refusal(form, exc)
            if exc.code == "idempotency_key_reused":  # an old form sent again, changed
                submission_id = str(uuid.uuid4())
        else:
            if result.replayed:
                done = _("Referral #%(pk)s was already sent.")
            else:
                done = _("Referral #%(pk)s sent.")
            messages.success(request, done % {"pk": result.referral.pk})
            return redirect("referral-page", pk=result.referral.pk)
    return render(
        request,
        "referrals/referral_new.html",
        _form_context(request, provider, form, error, submission_id),
        status=status,
    )


def _with_draft(request: HttpRequest, provider: Any) -> Any:
    """The form's GET values, with the draft the sender left for this child and
    recipient when they asked the family to share (``referrals.drafts``)."""
    query = request.GET
    draft = referral_draft_for(
        sender=provider, child_id=query.get("child"), to_provider_id=query.get("to_provider")
    )
    if draft is None or query.get("reason"):
        return query
    data = query.copy()
    data["reason"] = draft.reason
    for field in ("concern_type", "urgency"):
        if getattr(draft, field) and not data.get(field):
            data[field] = getattr(draft, field)
    return data


def _named_partner_chosen(data: Any, error: ApplicationError | None) -> Any:
    """A partner named on the form that no consent names yet (403 ``consent_required``
    with its new listing's id): the form comes back with it chosen as the recipient, so
    the "ask the family to share" panel offers it, and its typed fields cleared."""
    partner_id = error.extra.get("to_provider") if error is not None else None
    if not partner_id or not data.get("partner_name"):
        return data
    data = data.copy()
    data["to_provider"] = str(partner_id)
    for key in ("partner_name", "partner_email", "partner_phone"):
        data[key] = ""
    return data


def _form_context(
    request: HttpRequest,
    provider: Any,
    form: ReferralSendForm,
    error: ApplicationError | None,
    submission_id: str,
) -> dict[str, Any]:
    children = list(selectors.consented_children(provider=provider))
    services.children_shown(actor=request.user, children=children, detail="referral form child picker")
    data = request.POST if request.method == "POST" else _with_draft(request, provider)
    data = _named_partner_chosen(data, error)
    return {
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
        # Each ASQ-3 domain with what was typed and its message: a refused form keeps all five.
        "asq3_domains": [
            (d, ASQ3_DOMAIN_LABELS[d], data.get(f"domain_{d}", ""), form.errors.get(f"domain_{d}"))
            for d in ASQ3_DOMAINS
        ],
        "attachable": services.ATTACHABLE_CATEGORIES,
        "error": error,
        "error_message": plain(error) if error is not None else "",
        "form": data,
        "errors": form.errors,
        "submission_id": submission_id,
    }


@login_required
@_not_found_as_404
def referral_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_page(request, pk)


def referral_page_refused(request: HttpRequest, pk: int, failed: tuple[str, Form]) -> HttpResponse:
    """The referral page again after a refused form from another module's view (a next
    step: ``referrals.step_views``), with what was typed and the messages."""
    return _referral_page(request, pk, failed)


def _referral_page(request: HttpRequest, pk: int, failed: tuple[str, Form] | None = None) -> HttpResponse:
    """The page; after a refused action (``failed``: the verb and its bound form) with
    that form's values and messages, and status 400."""
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
    steps.attach_steps([referral], language=get_language())
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
            "needs_met_choices": NeedsMet.choices,
            "barrier_choices": Barrier.choices,
            "overdue": referral.overdue_flags(),
            "family_contact": family_contact(request.user, referral),
            # Linked only when it opens for this viewer (a family's own request's consent
            # covers the referral, not the care team's case: issue 25).
            "case_open": bool(referral.case_id)
            and case_policies.visible_cases(request.user).filter(pk=referral.case_id).exists(),
            "may_add_step": steps.may_add(access.role, referral),
            "step_kinds": StepKind.choices,
            "failed": failed[0] if failed else "",
            "typed": failed[1].data if failed else {},
            "typed_barriers": _chosen(failed[1], "barriers") if failed else [],
            "errors": failed[1].errors if failed else {},
        },
        status=400 if failed else 200,
    )


def _chosen(form: Form, name: str) -> list[str]:
    """What a refused page form had ticked for a multiple choice (a ``QueryDict``'s list)."""
    getlist = getattr(form.data, "getlist", None)
    return list(getlist(name)) if getlist is not None else []


ACTIONS: dict[str, Callable[..., Referral]] = {
    "accept": lambda user, pk, v: services.referral_accept(actor=user, referral_id=pk, note=v["note"]),
    "decline": lambda user, pk, v: services.referral_decline(
        actor=user, referral_id=pk, decline_reason=v["decline_reason"], note=v["note"]
    ),
    "schedule": lambda user, pk, v: services.referral_schedule(
        actor=user, referral_id=pk, appointment_at=v["appointment_at"], note=v["note"]
    ),
    "reschedule": lambda user, pk, v: services.referral_reschedule(
        actor=user, referral_id=pk, appointment_at=v["appointment_at"], reason=v["reason"]
    ),
    "complete": lambda user, pk, v: services.referral_complete(
        actor=user,
        referral_id=pk,
        outcome=v["outcome"],
        note=v["note"],
        needs_met=v["needs_met"],
        barriers=v["barriers"],
    ),
    "cancel": lambda user, pk, v: services.referral_cancel(actor=user, referral_id=pk, reason=v["reason"]),
}


@login_required
@require_POST
@_not_found_as_404
def referral_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """One transition from the referral's page, bound to the same form as the API's. A
    refused field re-renders the page with what was typed and the message beside it; a
    refused transition (wrong status, access ended) comes back as a message."""
    if verb not in ACTIONS:
        raise Http404
    form = TRANSITION_FORMS[verb](request.POST)
    if not form.is_valid():
        return _referral_page(request, pk, failed=(verb, form))
    try:
        referral = ACTIONS[verb](request.user, pk, form.cleaned_data)
    except NotFound:
        raise
    except ApplicationError as exc:
        if exc.extra.get("field") in form.fields:
            show_refusal(form, exc)
            return _referral_page(request, pk, failed=(verb, form))
        messages.error(request, plain(exc))
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
    return _("Referral #%(number)s is now %(status)s.") % {
        "number": referral.pk,
        "status": str(referral.get_status_display()).lower(),
    }


@login_required
def portal_referrals(request: HttpRequest) -> HttpResponse:
    return _portal_referrals(request)


def _portal_referrals(request: HttpRequest, failed: tuple[int, Form] | None = None) -> HttpResponse:
    """The family's referrals; after a refused needs-met answer (``failed``: the referral
    and the bound form) with what was chosen and the message beside it, status 400."""
    if guardian_of(request.user) is None:
        return _forbidden(request, "This page is for families.")
    referrals = list(selectors.portal_referrals(actor=request.user))
    steps.attach_steps(referrals, language=get_language())
    for referral in referrals:
        referral.answer_prefix = f"family-{referral.pk}"  # type: ignore[attr-defined]  # the form's ids
    cases = list(case_selectors.case_list(actor=request.user))
    services.referrals_shown(actor=request.user, referrals=referrals, detail="family referrals page")
    case_services.cases_shown(actor=request.user, cases=cases, detail="family referrals page")
    context = {
        "referrals": referrals,
        "cases": cases,
        "needs_met_choices": NeedsMet.choices,
        "barrier_choices": Barrier.choices,
        "failed": failed[0] if failed else None,
        "typed_needs_met": failed[1].data.get("needs_met", "") if failed else "",
        "typed_barriers": _chosen(failed[1], "barriers") if failed else [],
        "errors": failed[1].errors if failed else {},
    }
    return render(request, "referrals/portal_referrals.html", context, status=400 if failed else 200)


@login_required
@require_POST
@_not_found_as_404
def portal_needs_met(request: HttpRequest, pk: int) -> HttpResponse:
    """A guardian answers "was your need met?" for a completed referral, from the
    family's referrals page (the same form and service as the API's)."""
    form = NeedsMetForm(request.POST)
    if not form.is_valid():
        return _portal_referrals(request, failed=(pk, form))
    try:
        referral_family_answer(
            actor=request.user,
            referral_id=pk,
            needs_met=form.cleaned_data["needs_met"],
            barriers=form.cleaned_data["barriers"],
        )
    except NotFound:
        raise
    except ApplicationError as exc:
        if exc.status == 403:
            return _forbidden(request, plain(exc))
        messages.error(request, plain(exc))
    else:
        messages.success(request, _("Thank you: your answer is saved."))
    return redirect(f"{reverse('portal-referrals')}#referral-{pk}")
