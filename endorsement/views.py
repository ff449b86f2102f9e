"""Endorsement pages (thin): the provider's portfolio, logs, applications and renewal
progress; the curator's queue; the reviewer's assigned list; the public reference form
and credential check. Forms are parsed with the API's input serializers."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework import serializers
from rest_framework.request import Request

from directory.models import EndorsementCategory, EndorsementStatus
from endorsement import apis, letter, selectors, services
from endorsement.models import PORTFOLIO_KINDS, Decision, DocumentKind, Domain, Recommendation, RscFormat
from endorsement.policies import (
    access_application,
    access_endorsement_letter,
    is_owner,
    require_curator,
    require_provider,
)
from people.roles import is_curator, is_reviewer
from referral_hub.errors import ApplicationError


def _provider_or_403(request: HttpRequest) -> Any:
    try:
        return require_provider(request.user)
    except ApplicationError:
        raise PermissionDenied from None


def _application_or_404(request: HttpRequest, pk: int) -> Any:
    try:
        return access_application(request.user, pk)
    except ApplicationError:
        raise Http404 from None


def _own_or_403(request: HttpRequest, pk: int) -> Any:
    """The applicant's own application; 404 if invisible, 403 if visible but not theirs."""
    application = _application_or_404(request, pk)
    if not is_owner(request.user, application):
        raise PermissionDenied
    return application


def _form(
    serializer_class: type[serializers.Serializer[Any]],
    request: HttpRequest,
    lists: tuple[str, ...] = (),
    nullable: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Parse a page form with the API's serializer; ``nullable`` fields left empty are null."""
    raw: dict[str, Any] = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    for name in lists:
        raw[name] = request.POST.getlist(name)
    for name in nullable:
        if not raw.get(name):
            raw[name] = None
    data = serializer_class(data=raw)
    if not data.is_valid():
        field, errors = next(iter(data.errors.items()))
        raise ApplicationError("invalid", f"{field}: {errors[0]}", 400)
    return dict(data.validated_data)


def _act(request: HttpRequest, back: str, action: Callable[[], Any], done: str) -> HttpResponse:
    """Run a service; say what happened or why not, and go back."""
    try:
        action()
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404 from None
        if exc.status == 403:
            raise PermissionDenied from None
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(back)


@login_required
@require_GET
def portfolio_page(request: HttpRequest) -> HttpResponse:
    provider = _provider_or_403(request)
    periods = selectors.locked_periods(provider=provider)
    training = list(selectors.portfolio_entries(provider=provider, kind="training")[:100])
    rsc = list(selectors.portfolio_entries(provider=provider, kind="rsc")[:100])
    for t in training:
        t.locked = selectors.is_locked(t.completed_on, periods)  # page-only flag
    for r in rsc:
        r.locked = selectors.is_locked(r.ended_on, periods)  # page-only flag
    context = {
        "provider": provider,
        "training": training,
        "rsc": rsc,
        "education": selectors.portfolio_entries(provider=provider, kind="education")[:100],
        "work": selectors.portfolio_entries(provider=provider, kind="work")[:100],
        "consultants": selectors.rsc_consultants(exclude=provider),
        "documents": selectors.document_list(provider=provider)[:100],
        "document_kinds": DocumentKind.choices,
        "applications": selectors.application_list(actor=request.user).filter(provider=provider),
        "renewals": selectors.renewal_status(provider=provider),
        "domains": Domain.choices,
        "formats": RscFormat.choices,
        "categories": EndorsementCategory.choices,
    }
    return render(request, "endorsement/portfolio.html", context)


@dataclass(frozen=True)
class EntryPage:
    """The pages of one portfolio kind: what the form is called and says when done, and
    how its form fields map onto the API's input (``lists``: multi-valued; ``nullable``:
    empty means null). The input, the services and the API are shared
    (``apis.ENTRY_APIS``, ``services.portfolio_entry_*``)."""

    title: Any
    added: Any
    lists: tuple[str, ...] = ()
    nullable: tuple[str, ...] = ()


ENTRY_PAGES = {
    "training": EntryPage(
        gettext_lazy("Edit training"), gettext_lazy("Training logged."), lists=("domains",)
    ),
    "rsc": EntryPage(gettext_lazy("Edit RSC"), gettext_lazy("RSC logged.")),
    "education": EntryPage(gettext_lazy("Edit education"), gettext_lazy("Education added.")),
    "work": EntryPage(gettext_lazy("Edit position"), gettext_lazy("Position added."), nullable=("ended_on",)),
}


def _entry_page(kind: str) -> EntryPage:
    if kind not in ENTRY_PAGES:
        raise Http404
    return ENTRY_PAGES[kind]


def _entry_values(kind: str, request: HttpRequest) -> dict[str, Any]:
    page, api = ENTRY_PAGES[kind], apis.ENTRY_APIS[kind]
    return api.service_values(_form(api.input, request, page.lists, page.nullable))


@login_required
@require_POST
def entry_add(request: HttpRequest, kind: str) -> HttpResponse:
    """Add an entry of ``kind`` from the portfolio page (one route per kind)."""
    page = _entry_page(kind)
    _provider_or_403(request)
    return _act(
        request,
        "endorsement-portfolio",
        lambda: services.portfolio_entry_add(actor=request.user, kind=kind, **_entry_values(kind, request)),
        str(page.added),
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Edit one of the provider's own portfolio entries (logs while their period is open)."""
    page = _entry_page(kind)
    provider = _provider_or_403(request)
    entry = selectors.portfolio_entries(provider=provider, kind=kind).filter(pk=pk).first()
    if entry is None:
        raise Http404
    if request.method == "POST":
        try:
            services.portfolio_entry_edit(
                actor=request.user, kind=kind, entry_id=pk, **_entry_values(kind, request)
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("Saved."))
            return redirect("endorsement-portfolio")
    lock_day = PORTFOLIO_KINDS[kind].lock_day
    context = {
        "kind": kind,
        "title": page.title,
        "entry": entry,
        "from_attendance": getattr(entry, "from_attendance", False),
        "locked": lock_day is not None
        and selectors.is_locked(getattr(entry, lock_day), selectors.locked_periods(provider=provider)),
        "domains": Domain.choices,
        "formats": RscFormat.choices,
        "consultants": selectors.rsc_consultants(exclude=provider) if kind == "rsc" else [],
    }
    return render(request, "endorsement/entry_edit.html", context)


@login_required
@require_POST
def entry_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    _entry_page(kind)
    _provider_or_403(request)
    return _act(
        request,
        "endorsement-portfolio",
        lambda: services.portfolio_entry_delete(actor=request.user, kind=kind, entry_id=pk),
        gettext("Deleted."),
    )


@login_required
@require_POST
def application_create(request: HttpRequest) -> HttpResponse:
    _provider_or_403(request)
    try:
        v = _form(apis.ApplicationCreateInput, request)
        application = services.application_create(
            actor=request.user, category=v["category"], association=v["association"] or None, kind=v["kind"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("endorsement-portfolio")
    messages.success(request, "Application opened.")
    return redirect("endorsement-application", pk=application.pk)


@login_required
@require_GET
def application_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _application_response(request, pk)


def _application_response(
    request: HttpRequest, pk: int, *, review_error: ApplicationError | None = None
) -> HttpResponse:
    """The application page; after a refused decision, with the reason beside its field,
    what was typed kept, and the refusal's status."""
    application = _application_or_404(request, pk)
    body = apis.application_detail_body(selectors.application_detail(application=application), request.user)
    curator = is_curator(request.user)
    context = {
        "application": application,
        "body": body,
        "is_owner": is_owner(request.user, application),
        "is_curator": curator,
        "eligible_reviewers": selectors.eligible_reviewers(application=application) if curator else [],
        "my_assignment": next(
            (
                a
                for a in application.assignments.all()
                if a.reviewer_id == request.user.pk and a.round == application.round
            ),
            None,
        ),
        "decisions": Decision.choices,
        "review_error": review_error,
        "review_typed": request.POST if review_error is not None else {},
        "said_no": any(r["does_not_recommend"] for r in body["references"]),
    }
    return render(
        request,
        "endorsement/application.html",
        context,
        status=review_error.status if review_error is not None else 200,
    )


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    _own_or_403(request, pk)
    return _act(
        request,
        f"/endorsement/applications/{pk}/",
        lambda: services.application_submit(
            actor=request.user, application_id=pk, attest_ethics=request.POST.get("attest_ethics") == "on"
        ),
        "Application submitted.",
    )


@login_required
@require_POST
def reference_request(request: HttpRequest, pk: int) -> HttpResponse:
    _own_or_403(request, pk)
    return _act(
        request,
        f"/endorsement/applications/{pk}/",
        lambda: services.reference_request(
            actor=request.user, application_id=pk, **_form(apis.EndorsementReferenceInput, request)
        ),
        "Reference asked: they will receive a link by e-mail.",
    )


@login_required
@require_POST
def application_assign(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_curator(request.user):
        raise PermissionDenied
    _application_or_404(request, pk)
    ids = [int(i) for i in request.POST.getlist("reviewers") if i.isdigit()]
    return _act(
        request,
        f"/endorsement/applications/{pk}/",
        lambda: services.application_assign(actor=request.user, application_id=pk, reviewer_ids=ids),
        "Reviewers assigned.",
    )


@login_required
@require_POST
def application_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer's (or, for a renewal, a curator's) decision. A refusal the reviewer can
    fix (no feedback for a deferral, no justification over a reference's "No") shows the
    page again with the reason beside the field and the text kept (400)."""
    _application_or_404(request, pk)
    try:
        services.application_review(
            actor=request.user, application_id=pk, **_form(apis.EndorsementReviewInput, request)
        )
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404 from None
        if exc.status == 403:
            raise PermissionDenied from None
        if exc.status == 400:
            return _application_response(request, pk, review_error=exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("Decision recorded."))
    return redirect(f"/endorsement/applications/{pk}/")


def _curator_or_403(request: HttpRequest) -> None:
    try:
        require_curator(request.user)
    except ApplicationError:
        raise PermissionDenied from None


@login_required
@require_GET
def curator_queue_page(request: HttpRequest) -> HttpResponse:
    _curator_or_403(request)
    context = {"queue": selectors.curator_queue(), "lapsed": selectors.lapsed_terms()}
    return render(request, "endorsement/curate.html", context)


@login_required
@require_POST
def term_reinstate(request: HttpRequest, endorsement_id: int) -> HttpResponse:
    """A curator reinstates a lapsed endorsement (new due date and a reason, recorded)."""
    _curator_or_403(request)

    def run() -> None:
        try:
            due_on = datetime.date.fromisoformat(request.POST.get("due_on", ""))
        except ValueError:
            raise ApplicationError("invalid", "Give the new due date as YYYY-MM-DD.", 400) from None
        services.term_reinstate(
            actor=request.user,
            endorsement_id=endorsement_id,
            due_on=due_on,
            note=request.POST.get("note", ""),
        )

    return _act(request, "endorsement-curate", run, "Endorsement reinstated.")


@login_required
@require_POST
def document_upload(request: HttpRequest) -> HttpResponse:
    _provider_or_403(request)
    upload = request.FILES.get("file")

    def run() -> None:
        if upload is None:
            raise ApplicationError("invalid", "Choose a file to upload.", 400)
        services.document_upload(actor=request.user, upload=upload, kind=request.POST.get("kind", "other"))

    return _act(request, "endorsement-portfolio", run, "Document uploaded.")


@login_required
@require_GET
def verification_letter(request: HttpRequest, endorsement_id: int) -> HttpResponse:
    try:
        endorsement = access_endorsement_letter(request.user, endorsement_id)
    except ApplicationError:
        raise Http404 from None
    response = HttpResponse(letter.render_letter(endorsement), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="verification-{endorsement.credential_number}.pdf"'
    )
    return response


@login_required
@require_GET
def reviewer_page(request: HttpRequest) -> HttpResponse:
    if not is_reviewer(request.user):
        raise PermissionDenied
    exams = [apis.exam_body(e, request.user) for e in selectors.exams_to_score(actor=request.user)]
    context = {"assigned": selectors.reviewer_assigned(actor=request.user), "exams": exams}
    return render(request, "endorsement/reviews.html", context)


@login_required
@require_POST
def exam_score(request: HttpRequest, exam_code: str) -> HttpResponse:
    """Blind scoring: the form names the exam code only."""
    if not is_reviewer(request.user):
        raise PermissionDenied

    def run() -> None:
        v = _form(apis.ExamScoreInput, request)
        services.exam_score_record(actor=request.user, exam_code=exam_code, score=v["score"])

    return _act(request, "endorsement-reviews", run, f"Score recorded for exam {exam_code}.")


def _reference_input(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            raise ApplicationError("invalid", "Malformed JSON.", 400) from None
        return data if isinstance(data, dict) else {}
    ratings = {d: int(request.POST[d]) for d in Domain.values if request.POST.get(d, "").isdigit()}
    return {
        "ratings": ratings,
        "recommend": request.POST.get("recommend", ""),
        "comments": request.POST.get("comments", ""),
        "waiver": request.POST.get("waiver") == "on",
    }


@csrf_exempt  # no session: the unguessable single-use token is the credential
@require_http_methods(["GET", "POST"])
def reference_page(request: HttpRequest, token: str) -> HttpResponse:
    """``/references/{token}/`` (no login): GET shows the form, POST (form or JSON
    ``{ratings{domain: 1-5}, recommend, comments, waiver}``) answers it once."""
    wants_json = request.content_type == "application/json" or "json" in request.headers.get("Accept", "")
    try:
        reference = services.reference_for_token(token=token)
        if request.method == "POST":
            v = _reference_input(request)
            reference = services.reference_answer(
                token=token,
                ratings=v.get("ratings") or {},
                recommend=v.get("recommend"),
                comments=str(v.get("comments", ""))[:10000],
                waiver=bool(v.get("waiver")),
            )
    except ApplicationError as exc:
        if wants_json:
            return JsonResponse({"detail": exc.message, "code": exc.code}, status=exc.status)
        return render(request, "endorsement/reference.html", {"error": exc}, status=exc.status)
    answered = reference.answered_at is not None
    if wants_json:
        return JsonResponse({"applicant": reference.application.provider.name, "answered": answered})
    context = {
        "reference": reference,
        "answered": answered,
        "domains": Domain.choices,
        "scale": range(1, 6),
        "recommendations": Recommendation.choices,
    }
    return render(request, "endorsement/reference.html", context)


@require_GET
def verify_page(request: HttpRequest) -> HttpResponse:
    """``/verify/?credential=`` (public). Same answer as the API, same throttle budget."""
    number = request.GET.get("credential", "").strip()
    result, status = None, 200
    if number and not apis.VerifyThrottle().allow_request(Request(request), None):  # type: ignore[arg-type]  # DRF ignores the view for this throttle
        return render(request, "endorsement/verify.html", {"number": number, "throttled": True}, status=429)
    if number:
        try:
            result = apis.verify_body(number)
        except ApplicationError:
            status = 404
    words = {}
    if result is not None:
        words = {
            "category_label": EndorsementCategory(result["category"]).label,
            "status_label": EndorsementStatus(result["status"]).label,
        }
    return render(
        request, "endorsement/verify.html", {"number": number, "result": result, **words}, status=status
    )
