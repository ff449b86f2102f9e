"""Web pages: the family-facing search and profile, and the curator's worklist."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directory import policies, selectors, services
from directory.models import (
    CAPACITY_UNKNOWN,
    LANGUAGE_NAMES,
    Capacity,
    Discipline,
    EndorsementCategory,
    EndorsementStatus,
    PaymentOption,
    Provider,
)
from directory.roles import provider_of
from people.roles import has_role
from referral_hub.errors import ApplicationError, NotFound

PAGE_SIZE = 20
# Languages offered in the search form; the API accepts any ISO 639-1 code.
FORM_LANGUAGES = ["en", "es", "zh", "vi", "ar", "fr", "ht", "ko", "ru", "pt", "so", "tl"]


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    params = request.GET
    error = None
    page = None
    try:
        search = selectors.parse_provider_search(params)
    except ApplicationError as exc:
        error = exc
        search = None
    if search is not None:
        paginator = Paginator(selectors.provider_search(search), PAGE_SIZE)
        try:
            page = paginator.page(params.get("page") or 1)
        except (EmptyPage, PageNotAnInteger):
            error = ApplicationError("invalid_page", "That page does not exist.", extra={"parameter": "page"})
    query_without_page = urlencode([(k, v) for k, v in params.items() if k != "page" and v])
    context = {
        "params": params,
        "search": search,
        "page": page,
        "error": error,
        "error_parameter": error.extra.get("parameter") if error else None,
        "query_without_page": query_without_page,
        "disciplines": Discipline.choices,
        "endorsements": EndorsementCategory.choices,
        "payments": PaymentOption.choices,
        "capacities": [*Capacity.choices, (CAPACITY_UNKNOWN, _("Availability not confirmed recently"))],
        "languages": [(code, LANGUAGE_NAMES[code]) for code in FORM_LANGUAGES],
        "language_names": LANGUAGE_NAMES,
    }
    return render(request, "directory/search.html", context, status=400 if error else 200)


@require_GET
def provider_page(request: HttpRequest, provider_id: int) -> HttpResponse:
    try:
        provider = selectors.provider_get_public(provider_id=provider_id)
    except NotFound:
        raise Http404("No such provider") from None
    context = {
        "provider": provider,
        "languages": [LANGUAGE_NAMES.get(c, c) for c in provider.language_codes],
        "payments": [PaymentOption(c).label for c in provider.payment_codes if c in PaymentOption.values],
        "endorsed_since": selectors.endorsed_since(provider),
        "can_edit": policies.can_edit_listing(request.user, provider),
        "can_claim": _can_claim(request, provider),
    }
    return render(request, "directory/provider.html", context)


def _can_claim(request: HttpRequest, provider: Provider) -> bool:
    """Offer "claim it" to a signed-in account without a listing, on an unclaimed one."""
    user = request.user
    return (
        provider.user_id is None
        and user.is_authenticated
        and provider_of(user) is None
        and not has_role(user, "guardian")
    )


@login_required
@require_GET
def curate_page(request: HttpRequest) -> HttpResponse:
    if not policies.can_curate(request.user):
        raise PermissionDenied
    status = request.GET.get("status") or "pending"
    if status not in EndorsementStatus.values and status != "all":
        status = "pending"
    paginator = Paginator(selectors.endorsements_for_curation(status=None if status == "all" else status), 50)
    page = paginator.get_page(request.GET.get("page"))
    history = defaultdict(list)
    for review in selectors.endorsement_history(endorsement_ids=[e.pk for e in page.object_list]):
        history[review.endorsement_id].append(review)
    rows = [(e, history[e.pk]) for e in page.object_list]
    return render(
        request,
        "directory/curate.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": [*EndorsementStatus.choices, ("all", "All")],
        },
    )


_DONE = {
    "Verified": gettext_lazy("Verified: %(category)s for %(name)s now shows as endorsed in the directory."),
    "Revoked": gettext_lazy(
        "Revoked: %(category)s for %(name)s no longer shows as endorsed in the directory. "
        "The reason is recorded in its history."
    ),
}


def _change(request: HttpRequest, endorsement_id: int, status: str, verb: str) -> HttpResponse:
    if not policies.can_curate(request.user):
        raise PermissionDenied
    try:
        policies.access_endorsement_for_curation(request.user, endorsement_id)
        endorsement = services.endorsement_set_status(
            actor=request.user,
            endorsement_id=endorsement_id,
            status=status,
            note=(request.POST.get("note") or "").replace("\x00", "").strip()[:2000],
        )
    except NotFound:
        raise Http404("No such endorsement") from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            str(_DONE[verb])
            % {
                "category": endorsement.get_category_display(),
                "name": endorsement.provider.name,
            },
        )
    back = request.POST.get("next") or ""
    return redirect(back if back.startswith("/curate/") else "curate")


@login_required
@require_POST
def endorsement_verify(request: HttpRequest, endorsement_id: int) -> HttpResponse:
    return _change(request, endorsement_id, EndorsementStatus.VERIFIED, "Verified")


@login_required
@require_http_methods(["GET", "POST"])
def endorsement_revoke(request: HttpRequest, endorsement_id: int) -> HttpResponse:
    """Revoking takes a page of its own (no script needed): what will change, a reason
    (required, recorded in the history) and an explicit confirmation."""
    if not policies.can_curate(request.user):
        raise PermissionDenied
    try:
        endorsement = policies.access_endorsement_for_curation(request.user, endorsement_id)
    except NotFound:
        raise Http404("No such endorsement") from None
    reason = (request.POST.get("note") or "").replace("\x00", "").strip()[:2000]
    error = ""
    if request.method == "POST":
        if reason and request.POST.get("confirm") == "revoke":
            return _change(request, endorsement_id, EndorsementStatus.REVOKED, "Revoked")
        error = _("Give the reason for revoking: it is recorded in the endorsement's history.")
    back = request.GET.get("next") or request.POST.get("next") or ""
    return render(
        request,
        "directory/curate_revoke.html",
        {
            "endorsement": endorsement,
            "reason": reason,
            "error": error,
            "next": back if back.startswith("/curate/") else "",
        },
        status=400 if error else 200,
    )
