"""Family pages (ask for help, confirmation, my requests, sign for a coordinator's
choice) and the care coordinators' queue. Thin: services write, selectors read."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from consent.authority import consenting_authority
from consent.policies import visible_children
from consent.services import authorization_for
from consent.texts import TEXT_VERSIONS, authorization_sections, recipient_is_educator, text_language
from directory import paging as directory_paging
from directory import selectors as directory_selectors
from directory.models import Provider
from families.roles import guardian_of
from intake import selectors, services
from intake.forms import AnonymousAskForm, AskForm, RouteForm, SignForm
from intake.models import FamilyRequest
from people.roles import Actor, is_coordinator
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.ids import parse_id
from referral_hub.inputs import show_refusal
from referral_hub.proxy import client_ip
from referral_hub.ratelimit import allow
from referrals.services import children_shown

QUEUE_PAGE_SIZE = 25
SEARCH_RESULTS = 10


def _message(request: HttpRequest, title: str, text: str, status: int) -> HttpResponse:
    return render(request, "families/message.html", {"title": title, "text": text}, status=status)


def _asked_provider(request: HttpRequest) -> Provider | None:
    pk = parse_id(request.GET.get("provider") or request.POST.get("provider"))
    return Provider.objects.select_related("organization").filter(pk=pk).first() if pk else None


def _consent_sections(*, user: Actor, provider: Provider, child_name: str) -> list[Any]:
    """The authorization the family signs, shown before signing, in the page language."""
    return authorization_sections(
        child_name=child_name,
        guardian_name=str(user.get_full_name() or user.get_username()),  # type: ignore[union-attr]  # signed in
        # The child is chosen on this form: the text names the basis in general words
        # here; the text signed names the signer's own (``consent_grant``).
        basis=None,
        recipient_name=str(provider),
        purposes=services.CONSENT_PURPOSES,
        data_categories=services.CONSENT_CATEGORIES,
        expires_on=services.consent_expiry(),
        educator=recipient_is_educator(provider=provider),
        language=text_language(),
        contact_details=True,
    )


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    """Ask for help, from a provider's profile (``?provider=``) or, without one, for the
    care coordinators ("I don't know whom to ask")."""
    provider = _asked_provider(request)
    if not request.user.is_authenticated:
        return _ask_without_account(request, provider)
    if guardian_of(request.user) is None:
        return _message(request, _("Not available"), _("Asking for help is for parents and guardians."), 403)
    children = list(visible_children(request.user).filter(is_own=True))
    language = translation.get_language() or "en"
    form = AskForm(request.POST or None, children=children, language=language[:2], email=request.user.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.family_request_create(
                actor=request.user,
                child_id=None if form.new_child() else int(data["child"]),
                provider_id=provider.pk if provider else None,
                concern=data["concern"],
                preferred_language=data["preferred_language"],
                contact_method=data["contact_method"],
                best_times=data["best_times"],
                password=data["password"],
                new_child=form.new_child(),
                phone=data["phone"],
                email=data["email"],
                best_time_slots=data["best_time_slots"],
                text_updates=data["text_updates"],
            )
        except ApplicationError as exc:
            show_refusal(form, exc)
        else:
            return redirect("intake-request-done", request_id=created.pk)
    sections = (
        _consent_sections(user=request.user, provider=provider, child_name=_("your child"))
        if provider
        else []
    )
    # The form names the family's children: logged for each child like every picker.
    children_shown(actor=request.user, children=children, detail="ask for help: child picker")
    return render(
        request,
        "intake/ask.html",
        {
            "form": form,
            "provider": provider,
            "sections": sections,
            "text_version": TEXT_VERSIONS[text_language()],
        },
        status=400 if form.errors else 200,
    )


def _ask_without_account(request: HttpRequest, provider: Provider | None) -> HttpResponse:
    """Sign in, create an account, or ask a care coordinator without one (no child
    record, nothing to a provider: docs/family-requests.md). Throttled per client
    address at the sign-up rate (``REGISTRATION_RATE``); a robot filling the hidden
    field is thanked and nothing is stored."""
    here = request.get_full_path()
    language = (translation.get_language() or "en")[:2]
    form = AnonymousAskForm(request.POST or None, language=language)
    status = 200
    if request.method == "POST":
        if not allow("anonymous-ask", client_ip(request), settings.REGISTRATION_RATE):
            form.is_valid()
            form.add_error(None, _("Too many requests from this connection. Please try again in an hour."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            if not data["website"]:
                try:
                    services.family_request_create_anonymous(
                        contact_name=data["contact_name"],
                        concern=data["concern"],
                        preferred_language=data["preferred_language"],
                        contact_method=data["contact_method"],
                        phone=data["phone"],
                        email=data["email"],
                        best_times=data["best_times"],
                        best_time_slots=data["best_time_slots"],
                    )
                except ApplicationError as exc:
                    show_refusal(form, exc)
            if not form.errors:
                return render(request, "intake/asked_without_account.html", {"name": data["contact_name"]})
        if form.errors and status == 200:
            status = 400
    return render(
        request,
        "intake/ask_signin.html",
        {
            "provider": provider,
            "form": form,
            "login_url": reverse("login") + "?" + urlencode({"next": here}),
            "register_url": reverse("families-register") + "?" + urlencode({"next": here}),
        },
        status=status,
    )


@login_required
def request_done(request: HttpRequest, request_id: int) -> HttpResponse:
    try:
        item = services.own_request_open(actor=request.user, request_id=request_id)
    except NotFound:
        return _message(request, _("Not found"), _("There is nothing here for you."), 404)
    return render(request, "intake/done.html", {"item": item})


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    if guardian_of(request.user) is None:
        return _message(request, _("Not available"), _("This page is for parents and guardians."), 403)
    rows = list(selectors.own_requests(actor=request.user))
    services.own_requests_shown(actor=request.user, requests=rows, detail="my requests page")
    return render(request, "intake/my_requests.html", {"requests": rows})


def portal_panel(user: Actor) -> tuple[str, dict[str, Any]] | None:
    """The family portal's "Requests for help" section (registered in ``apps.py``)."""
    rows = list(selectors.own_requests(actor=user)[:10])
    services.own_requests_shown(actor=user, requests=rows, detail="portal")
    return "intake/_portal_panel.html", {"requests": rows}


@login_required
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, request_id: int) -> HttpResponse:
    """Sign the consent for the provider a care coordinator chose."""
    try:
        item = services.own_request_open(actor=request.user, request_id=request_id)
    except NotFound:
        return _message(request, _("Not found"), _("There is nothing here for you."), 404)
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.family_request_sign(
                actor=request.user,
                request_id=item.pk,
                password=form.cleaned_data["password"],
                language=(translation.get_language() or "en")[:2],
            )
        except ApplicationError as exc:
            show_refusal(form, exc)
        else:
            return redirect("intake-request-done", request_id=item.pk)
    sections: list[Any] = []
    cannot_sign = ""
    if item.provider is not None and item.child is not None and item.stage == "awaiting_signature":
        guardian = guardian_of(request.user)
        try:
            basis = consenting_authority(guardian, item.child.pk, services.CONSENT_PURPOSES)  # type: ignore[arg-type]  # own_request_open only answers guardians
        except ApplicationError as exc:
            cannot_sign = exc.message  # no text to sign for someone who may not sign it
        else:
            sections, _text = authorization_for(
                child=item.child,
                guardian=guardian,  # type: ignore[arg-type]  # own_request_open only answers guardians
                provider=item.provider,
                organization=None,
                purposes=services.CONSENT_PURPOSES,
                data_categories=services.CONSENT_CATEGORIES,
                expires_on=services.consent_expiry(),
                contact_details=True,
                basis=basis,
            )
    return render(
        request,
        "intake/sign.html",
        {
            "item": item,
            "form": form,
            "sections": sections,
            "cannot_sign": cannot_sign,
            "text_version": TEXT_VERSIONS[text_language()],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, request_id: int) -> HttpResponse:
    try:
        services.family_request_withdraw(actor=request.user, request_id=request_id)
    except NotFound:
        return _message(request, _("Not found"), _("There is nothing here for you."), 404)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your request was withdrawn."))
    return redirect("intake-my-requests")


def _coordinator_only(request: HttpRequest) -> HttpResponse | None:
    if is_coordinator(request.user):
        return None
    return _message(request, _("Not available"), _("This page is for care coordinators."), 403)


@login_required
def queue_page(request: HttpRequest) -> HttpResponse:
    refused = _coordinator_only(request)
    if refused:
        return refused
    status = request.GET.get("status") or "open"
    try:
        qs = selectors.coordination_queue(actor=request.user, status=status)
    except ApplicationError as exc:
        return _message(request, _("Not valid"), exc.message, 400)
    page = Paginator(qs, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows: list[FamilyRequest] = list(page.object_list)
    services.coordination_queue_shown(actor=request.user, requests=rows)
    return render(
        request,
        "intake/queue.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "filters": [(key, selectors.QUEUE_FILTER_LABELS[key]) for key in selectors.QUEUE_FILTERS],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def queue_item_page(request: HttpRequest, request_id: int) -> HttpResponse:
    """One queued request: read it, search the directory, route it."""
    refused = _coordinator_only(request)
    if refused:
        return refused
    try:
        item = services.coordination_request_open(actor=request.user, request_id=request_id)
    except NotFound:
        return _message(request, _("Not found"), _("There is nothing here for you."), 404)
    if request.method == "POST" and request.POST.get("action") == "close":
        try:
            services.family_request_close(actor=request.user, request_id=item.pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Closed. The request left the queue."))
        return redirect("intake-queue")
    form = RouteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.family_request_route(
                actor=request.user, request_id=item.pk, to_provider_id=form.cleaned_data["to_provider"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Routed. The family was asked to sign the consent for this provider.")
            )
            return redirect("intake-queue-item", request_id=item.pk)
    results: list[Provider] = []
    search_error = None
    if request.GET.get("q") or request.GET.get("near"):
        try:
            search = directory_selectors.parse_provider_search(request.GET)
            results = directory_paging.provider_search_results(search)[:SEARCH_RESULTS]
        except ApplicationError as exc:
            search_error = exc.message
    return render(
        request,
        "intake/queue_item.html",
        {
            "item": item,
            "results": results,
            "search_error": search_error,
            "q": request.GET.get("q", ""),
            "near": request.GET.get("near", ""),
        },
        status=400 if search_error else 200,
    )
