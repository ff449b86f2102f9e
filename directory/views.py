"""Web pages: the family-facing search and profile, and the curator's worklist."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directory import paging, policies, search_terms, selectors, services
from directory.counting import SearchPaginator
from directory.forms import MAX_CURATION_NOTE, CurationNoteForm
from directory.models import (
    CAPACITY_UNKNOWN,
    LANGUAGE_NAMES,
    Capacity,
    Discipline,
    EndorsementCategory,
    EndorsementStatus,
    PaymentOption,
)
from referral_hub.errors import ApplicationError, NotFound

PAGE_SIZE = 20
# Languages offered in the search form; the API accepts any ISO 639-1 code.
FORM_LANGUAGES = ["en", "es", "zh", "vi", "ar", "fr", "ht", "ko", "ru", "pt", "so", "tl"]
RADIUS_CHOICES = [5, 10, 25, 50, 100, 250, 500]
# Filters counted as "on" in the folded filter panel's summary.
FILTER_KEYS = (
    "discipline",
    "endorsement",
    "model",
    "language",
    "age_months",
    "payment",
    "capacity",
    "telehealth",
)
# Cleared with the filters too: ``accepting=true`` is an older link's way of saying
# ``capacity=accepting`` (the page shows it in the one "Openings" control).
CLEARED_KEYS = (*FILTER_KEYS, "accepting", "ordering")
# Refusals shown beside their control in the filter panel (the others under the search box).
FILTER_PARAMETERS = {*FILTER_KEYS, "radius_miles", "ordering", "accepting"}
CONTROL_IDS = {
    **{key: f"id_{key}" for key in (*FILTER_KEYS, "ordering")},
    "radius_miles": "id_radius",
    "accepting": "id_capacity",
}
BACK_KEY_RE = re.compile(r"^[a-z_]{1,30}$")


def _form_values(params: QueryDict, search: selectors.ProviderSearch | None) -> dict[str, Any]:
    """What each filter control shows: the parsed search when it is valid (so
    ``radius_miles=500.0`` or ``accepting=yes`` show as chosen), else what was typed."""
    if search is None:
        values: dict[str, Any] = {k: (params.get(k) or "").strip() for k in (*FILTER_KEYS, "ordering")}
        if (params.get("accepting") or "").strip().lower() in selectors.TRUE_WORDS:
            values["capacity"] = values["capacity"] or Capacity.ACCEPTING.value
        values["telehealth"] = values["telehealth"].lower() in selectors.TRUE_WORDS
        radius = params.get("radius_miles") or ""
        try:
            values["radius"] = float(radius) if radius else selectors.DEFAULT_RADIUS_MILES
        except ValueError:
            values["radius"] = selectors.DEFAULT_RADIUS_MILES
        return values
    return {
        "discipline": search.discipline or "",
        "endorsement": search.endorsement or "",
        "model": search.model or "",
        "language": search.language or "",
        "age_months": "" if search.age_months is None else str(search.age_months),
        "payment": search.payment or "",
        "capacity": _openings_value(search),
        "telehealth": bool(search.telehealth),
        "ordering": search.ordering or "",
        "radius": search.radius_miles,
    }


def _openings_value(search: selectors.ProviderSearch) -> str:
    """The "Openings" control's choice: one capacity code (``accepting=true`` is shown as
    "Taking new families"; a comma list from the API shows as its first code)."""
    if search.capacity:
        return search.capacity[0]
    return Capacity.ACCEPTING.value if search.accepting else ""


def _radius_choices(current: float) -> list[tuple[str, float, bool]]:
    miles = sorted({*map(float, RADIUS_CHOICES), current})
    return [(f"{m:g}", m, m == current) for m in miles]


def _language_choices(current: str) -> list[tuple[str, str]]:
    codes = FORM_LANGUAGES if not current or current in FORM_LANGUAGES else [*FORM_LANGUAGES, current]
    return [(code, str(LANGUAGE_NAMES.get(code, code))) for code in codes]


def _understood(search: selectors.ProviderSearch | None) -> list[str]:
    """What the words in ``q`` were taken to mean, said back to the reader (with the words
    searched as text and a place taken from them, so an empty result says what was tried)."""
    if search is None or not search.terms.recognized and not search.near_from_q:
        return []
    terms = search.terms
    said = [str(Discipline(code).label) for code in terms.disciplines]
    said += [
        _("Endorsed: %(category)s") % {"category": EndorsementCategory(code).label}
        for code in terms.endorsements
    ]
    said += [_("Language: %(language)s") % {"language": LANGUAGE_NAMES.get(c, c)} for c in terms.languages]
    said += [_("Words: “%(words)s”") % {"words": " / ".join(group)} for group in terms.text_groups]
    if search.near_from_q:
        said.append(_("Near %(place)s") % {"place": search.near_label})
    return said


def _place_city(search: selectors.ProviderSearch | None, error: Any) -> str:
    if search is not None and search.place_choices:
        return search.place_choices[0].rpartition(",")[0]
    choices = error.extra.get("choices", []) if error is not None else []
    return str(choices[0]).rpartition(",")[0] if choices else ""


def _search_link(params: QueryDict, **changes: str | None) -> str:
    return f"{reverse('home')}?{_query(params, **changes)}#results"


def _place_choices(
    params: QueryDict, search: selectors.ProviderSearch | None, error: Any
) -> list[tuple[str, str]]:
    """Links that run the same search near each place an ambiguous name may be: typed in
    the words ("speech therapist Detroit") or in the place field."""
    if search is not None and search.place_choices and search.terms.place is not None:
        words = search.terms.place.before
        return [(label, _search_link(params, q=words or None, near=label)) for label in search.place_choices]
    choices = error.extra.get("choices", []) if error is not None else []
    return [(label, _search_link(params, near=label)) for label in choices]


def _suggestions(params: QueryDict, search: selectors.ProviderSearch | None) -> list[tuple[str, str]]:
    """For a search that found nothing: the vocabulary's phrases nearest the words typed."""
    if search is None or not search.q:
        return []
    typed = search.terms.rest or search.q
    return [(text, _search_link(params, q=text)) for text in search_terms.suggestions(typed)]


def _wider_radius(search: selectors.ProviderSearch | None) -> int | None:
    if search is None or search.near is None:
        return None
    return next((m for m in RADIUS_CHOICES if m > search.radius_miles), None)


def _query(params: QueryDict, **changes: str | None) -> str:
    pairs = {k: v for k, v in params.items() if v and k not in ("page", "lang")}
    for key, value in changes.items():
        if value is None:
            pairs.pop(key, None)
        else:
            pairs[key] = value
    return urlencode(pairs)


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
        paginator = SearchPaginator(paging.provider_search_results(search), PAGE_SIZE)
        try:
            page = paginator.page(params.get("page") or 1)
        except (EmptyPage, PageNotAnInteger):
            error = ApplicationError(
                "invalid_page", _("That page does not exist."), extra={"parameter": "page"}
            )
    empty = page is not None and not page.paginator.count
    values = _form_values(params, search)
    error_parameter = str(error.extra.get("parameter", "")) if error else ""
    wider = _wider_radius(search)
    context = {
        "params": params,
        "search": search,
        "page": page,
        "error": error,
        "error_parameter": error_parameter or None,
        "error_in_filters": error_parameter in FILTER_PARAMETERS,
        "error_anchor": CONTROL_IDS.get(error_parameter, ""),
        "query_without_page": _query(params),
        "back_query": urlencode([(k, v) for k, v in params.items() if v and k != "lang"]),
        "values": values,
        "filters_on": sum(1 for key in FILTER_KEYS if values.get(key)),
        "understood": _understood(search),
        "corrections": search.terms.corrections if search is not None else (),
        "place_choices": _place_choices(params, search, error),
        "place_city": _place_city(search, error),
        "suggestions": _suggestions(params, search) if empty else [],
        "close_names": selectors.close_names(search.q) if empty and search is not None else [],
        "wider_radius": wider,
        "wider_query": _query(params, radius_miles=str(wider)) if wider else "",
        "unfiltered_query": _query(params, **dict.fromkeys(CLEARED_KEYS)),
        "disciplines": Discipline.choices,
        "endorsements": EndorsementCategory.choices,
        "models": selectors.model_choices(),
        "payments": PaymentOption.choices,
        "capacities": [*Capacity.choices, (CAPACITY_UNKNOWN, _("Availability not confirmed recently"))],
        "radius_choices": _radius_choices(values["radius"]),
        "languages": _language_choices(values["language"]),
        "language_names": LANGUAGE_NAMES,
    }
    return render(request, "directory/search.html", context, status=400 if error else 200)


def _back_to_search(raw: str) -> str:
    """The search a profile was opened from, rebuilt from its parameters only (so the
    link can never lead anywhere but the search page)."""
    kept = [
        (key, value[:200])
        for key, value in QueryDict(raw[:2000]).items()
        if BACK_KEY_RE.match(key) and value and key != "lang"
    ]
    return reverse("home") + (f"?{urlencode(kept)}" if kept else "")


def _back_url(request: HttpRequest, provider_id: int) -> str:
    raw = request.GET.get("back") or ""
    return _back_to_search(raw) + f"#provider-{provider_id}" if raw else reverse("home")


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
        "can_claim": policies.can_claim(request.user, provider),
        "back_url": _back_url(request, provider.pk),
    }
    return render(request, "directory/provider.html", context)


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
    back = request.POST.get("next") or ""
    back = back if back.startswith("/curate/") else "curate"
    note = CurationNoteForm(request.POST)
    if refusal := note.refusal():
        messages.error(request, refusal)
        return redirect(back)
    try:
        policies.access_endorsement_for_curation(request.user, endorsement_id)
        endorsement = services.endorsement_set_status(
            actor=request.user,
            endorsement_id=endorsement_id,
            status=status,
            note=note.cleaned_data["note"],
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
    return redirect(back)


@login_required
@require_POST
def endorsement_verify(request: HttpRequest, endorsement_id: int) -> HttpResponse:
    """Verify a pending endorsement. A revoked one is not verified by one click: the
    re-verification page (reason and confirmation) answers instead."""
    if not policies.can_curate(request.user):
        raise PermissionDenied
    try:
        endorsement = policies.access_endorsement_for_curation(request.user, endorsement_id)
    except NotFound:
        raise Http404("No such endorsement") from None
    if endorsement.status == EndorsementStatus.REVOKED:
        return endorsement_reverify(request, endorsement_id)
    return _change(request, endorsement_id, EndorsementStatus.VERIFIED, "Verified")


@login_required
@require_http_methods(["GET", "POST"])
def endorsement_reverify(request: HttpRequest, endorsement_id: int) -> HttpResponse:
    """Verifying a revoked endorsement again: a page of its own (what it undoes, the
    revocation's reason, a required reason and an explicit confirmation). Without the
    reason or the confirmation: 400, the reason beside its field, nothing changed."""
    if not policies.can_curate(request.user):
        raise PermissionDenied
    try:
        endorsement = policies.access_endorsement_for_curation(request.user, endorsement_id)
    except NotFound:
        raise Http404("No such endorsement") from None
    note = CurationNoteForm(request.POST if request.method == "POST" else None)
    reason = (request.POST.get("note") or "").strip()
    error, code = "", ""
    if request.method == "POST" and endorsement.status == EndorsementStatus.REVOKED:
        error = note.refusal()
        if not error:
            try:
                services.endorsement_set_status(
                    actor=request.user,
                    endorsement_id=endorsement_id,
                    status=EndorsementStatus.VERIFIED,
                    note=reason,
                    confirmed=request.POST.get("confirm") == "reverify",
                )
            except ApplicationError as exc:
                error, code = exc.message, exc.code
            else:
                messages.success(
                    request,
                    _("Verified again: %(category)s for %(name)s shows as endorsed; your reason is recorded.")
                    % {"category": endorsement.get_category_display(), "name": endorsement.provider.name},
                )
                back = request.POST.get("next") or ""
                return redirect(back if back.startswith("/curate/") else "curate")
    back = request.GET.get("next") or request.POST.get("next") or ""
    revoked = (
        selectors.endorsement_history(endorsement_ids=[endorsement.pk])
        .filter(action="revoked")
        .order_by("created_at", "id")
        .last()
    )
    return render(
        request,
        "directory/curate_reverify.html",
        {
            "endorsement": endorsement,
            "revocation": revoked,
            "reason": reason,
            "max_note": MAX_CURATION_NOTE,
            "error": error,
            "code": code,
            "next": back if back.startswith("/curate/") else "",
        },
        status=400 if error else 200,
    )


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
    note = CurationNoteForm(request.POST if request.method == "POST" else None)
    reason = (request.POST.get("note") or "").strip()  # shown back as typed
    error = ""
    if request.method == "POST":
        error = note.refusal()
        if not error and reason and request.POST.get("confirm") == "revoke":
            return _change(request, endorsement_id, EndorsementStatus.REVOKED, "Revoked")
        error = error or _("Give the reason for revoking: it is recorded in the endorsement's history.")
    back = request.GET.get("next") or request.POST.get("next") or ""
    return render(
        request,
        "directory/curate_revoke.html",
        {
            "endorsement": endorsement,
            "reason": reason,
            "max_note": MAX_CURATION_NOTE,
            "error": error,
            "next": back if back.startswith("/curate/") else "",
        },
        status=400 if error else 200,
    )
