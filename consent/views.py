"""The family portal (my children, their consents, granting, revoking, history) and the
provider's view of the children whose consent covers them. Thin: policies decide,
services write, every read of a child's data is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.models import Action
from consent import authority, policies, selectors, services
from consent.access_words import entry
from consent.extensions import portal_panels
from consent.forms import RevokeForm, ScopeForm, SignForm
from consent.models import Consent, DataCategory, Purpose
from consent.recipients import mask_confidential_actors
from consent.texts import TEXT_VERSIONS, plain_summary, text_language
from directory import selectors as directory_selectors
from directory.models import Provider
from directory.roles import provider_of
from families.models import Child
from families.roles import guardian_of
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.ids import id_for_lookup

SEARCH_LIMIT = 20


def _forbidden(request: HttpRequest, text: str) -> HttpResponse:
    return render(request, "families/message.html", {"title": _("Not available"), "text": text}, status=403)


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "families/message.html",
        {"title": _("Not found"), "text": _("There is nothing here for you.")},
        status=404,
    )


def _with_summaries(consents: list[Consent]) -> list[Consent]:
    for consent in consents:
        consent.summary = plain_summary(consent)  # type: ignore[attr-defined]  # for the template
    return consents


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    """A guardian's home: each child with their consents in plain language."""
    if guardian_of(request.user) is None:
        if provider_of(request.user) is not None:
            return redirect("portal-provider")
        return _forbidden(request, _("The family portal is for parents and guardians."))
    children = list(policies.visible_children(request.user).filter(is_own=True))
    consents = _with_summaries(list(selectors.consent_list(actor=request.user).filter(child__in=children)))
    for child in children:
        child.consent_rows = [c for c in consents if c.child_id == child.pk]  # type: ignore[attr-defined]  # for the template
        child.active_consents = [c for c in child.consent_rows if c.status == "active"]  # type: ignore[attr-defined]  # for the template
    services.portal_children_shown(actor=request.user, children=children)
    panels = [panel for panel in (make(request.user) for make in portal_panels) if panel is not None]
    return render(request, "consent/portal.html", {"children": children, "panels": panels})


def _own_child(request: HttpRequest, child_id: int) -> Child | None:
    try:
        return services.portal_child_open(actor=request.user, child_id=child_id)
    except NotFound:
        return None


@login_required
def child_page(request: HttpRequest, child_id: int) -> HttpResponse:
    """One child: consents (with plain-language summaries) and their full history."""
    child = _own_child(request, child_id)
    if child is None:
        return _not_found(request)
    consents = _with_summaries(list(selectors.consent_list(actor=request.user, child_id=child.pk)))
    services.portal_child_shown(
        actor=request.user,
        child_id=child.pk,
        data_category="demographics",
        object_type="portal",
        object_id=child.pk,
    )
    history = sorted(
        ((event, consent) for consent in consents for event in consent.events.all()),
        key=lambda pair: (pair[0].at, pair[0].pk),
        reverse=True,
    )
    return render(request, "consent/child.html", {"child": child, "consents": consents, "history": history})


def _provider_search(q: str) -> tuple[list[Provider], str | None]:
    """The directory's own words (names, kinds of help in English or Spanish, languages);
    a refused query comes back as the message to show."""
    q = q.strip()
    if not q:
        return [], None
    try:
        condition = directory_selectors.provider_pick_condition(q)
    except ApplicationError as exc:
        return [], exc.message
    return list(
        Provider.objects.select_related("organization")
        .filter(condition)
        .order_by("name", "id")[:SEARCH_LIMIT]
    ), None


def _recipient(provider_id: object) -> Provider | None:

    return Provider.objects.select_related("organization").filter(pk=id_for_lookup(provider_id)).first()


@login_required
@require_http_methods(["GET", "POST"])
def consent_new(request: HttpRequest, child_id: int) -> HttpResponse:
    """Grant a consent in three steps on one URL: find the provider in the directory,
    choose what/why/until when, then read the authorization and sign with a password."""
    guardian = guardian_of(request.user)
    if guardian is None:
        return _forbidden(request, _("Only a child's guardian may grant a consent."))
    data = request.POST if request.method == "POST" else request.GET
    child = _own_child(request, child_id)
    if child is None:
        return _not_found(request)
    services.portal_child_shown(
        actor=request.user, child_id=child.pk, object_type="consent_form", object_id=child.pk
    )
    provider = _recipient(data.get("recipient_provider"))
    context: dict[str, Any] = {
        "child": child,
        "q": data.get("q", ""),
        "purposes": Purpose.choices,
        "categories": DataCategory.choices,
    }
    if provider is None:
        context["results"], context["search_error"] = _provider_search(context["q"])
        context["searched"] = bool(context["q"].strip())
        return render(request, "consent/new_pick.html", context)
    context["provider"] = provider
    step = data.get("step", "scope")
    if request.method == "GET" or step == "scope":
        form = ScopeForm(
            request.POST if step == "scope" and request.method == "POST" else None,
            initial={"recipient_provider": provider.pk},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.validate_expiry(form.cleaned_data["expires_on"])
            except ApplicationError as exc:
                form.add_error("expires_on", exc.message)
            else:
                return _review(
                    request,
                    context,
                    form.cleaned_data,
                    SignForm(initial={**form.cleaned_data, "text_version": TEXT_VERSIONS[text_language()]}),
                )
        return render(
            request, "consent/new_scope.html", {**context, "form": form}, status=400 if form.errors else 200
        )
    form = SignForm(request.POST)
    if not form.is_valid():
        scope = ScopeForm(request.POST)
        if scope.is_valid():
            return _review(request, context, scope.cleaned_data, form, status=400)
        return render(request, "consent/new_scope.html", {**context, "form": scope}, status=400)
    try:
        consent = services.consent_grant(
            actor=request.user,
            child_id=child.pk,
            recipient_provider_id=provider.pk,
            purposes=form.cleaned_data["purposes"],
            data_categories=form.cleaned_data["data_categories"],
            expires_on=form.cleaned_data["expires_on"],
            password=form.cleaned_data["password"],
            text_version=form.cleaned_data["text_version"],
            language=text_language(),
        )
    except ApplicationError as exc:
        field = exc.extra.get("field")
        form.add_error(field if field in form.fields else None, exc.message)
        return _review(request, context, form.cleaned_data, form, status=400)
    messages.success(request, _("Consent given: %(summary)s") % {"summary": plain_summary(consent)})
    return redirect("portal-child", child_id=child.pk)


def _review(
    request: HttpRequest, context: dict[str, Any], scope: dict[str, Any], form: SignForm, status: int = 200
) -> HttpResponse:
    guardian = policies.guardian_for_child(request.user, context["child"].pk)
    try:
        basis = authority.consenting_authority(guardian, context["child"].pk, scope["purposes"])
    except ApplicationError as exc:
        # No text to sign for someone who may not sign it: say so, and whom to ask.
        return render(
            request,
            "families/message.html",
            {"title": _("You cannot sign this consent"), "text": exc.message},
            status=exc.status,
        )
    sections, _text = services.authorization_for(
        child=context["child"],
        guardian=guardian,
        provider=context["provider"],
        organization=None,
        purposes=scope["purposes"],
        data_categories=scope["data_categories"],
        expires_on=scope["expires_on"],
        language=text_language(),
        basis=basis,
    )
    return render(
        request,
        "consent/new_review.html",
        {
            **context,
            "form": form,
            "scope": scope,
            "sections": sections,
            "text_version": TEXT_VERSIONS[text_language()],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_revoke(request: HttpRequest, consent_id: int) -> HttpResponse:
    """One click to the confirmation page, one more to revoke."""
    if guardian_of(request.user) is None:
        return _forbidden(request, _("Only a child's guardian may revoke a consent."))
    try:
        consent = services.guardian_consent_open(
            actor=request.user, consent_id=consent_id, action=Action.UPDATE
        )
    except NotFound:
        return _not_found(request)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_revoke(
                actor=request.user, consent_id=consent.pk, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Consent revoked. %(who)s can no longer see this information.")
                % {"who": consent.recipient_provider or consent.recipient_organization},
            )
        return redirect("portal-child", child_id=consent.child_id)
    consent.summary = plain_summary(consent)  # type: ignore[attr-defined]  # for the template
    services.portal_child_shown(
        actor=request.user, child_id=consent.child_id, object_type="consent", object_id=consent.pk
    )
    return render(
        request, "consent/revoke.html", {"consent": consent, "form": form}, status=400 if form.errors else 200
    )


@login_required
def provider_children(request: HttpRequest) -> HttpResponse:
    """A provider's view: children an active consent covers them for, with what, why and
    until when. Constant queries; each child shown is an audited read."""
    if provider_of(request.user) is None:
        return _forbidden(request, _("This page is for providers."))
    consents = _with_summaries(
        list(
            selectors.consent_list(actor=request.user)
            .filter(pk__in=policies.consents_covering_user(request.user).values("pk"))
            .order_by("child__last_name", "child__first_name", "-expires_on")
        )
    )
    services.provider_children_shown(actor=request.user, consents=consents)
    return render(request, "consent/provider_children.html", {"consents": consents})


@login_required
def access_log(request: HttpRequest, child_id: int) -> HttpResponse:
    """The guardian's "who has seen my child's information" page: what others did
    first (refusals marked), the family's own views folded away unless asked for
    (``?own=1``), each row in plain words and local time."""
    try:
        child = services.access_log_open(actor=request.user, child_id=child_id)
    except ApplicationError:
        return _not_found(request)
    others, own = selectors.access_log_split(child_id=child.pk)
    show_own = request.GET.get("own") == "1"
    page = Paginator(others, 50).get_page(request.GET.get("page"))
    own_page = Paginator(own, 50).get_page(request.GET.get("own_page")) if show_own else None
    viewer = request.user.pk

    def words(rows: Any) -> list[Any]:
        shown = mask_confidential_actors(list(rows), child_id=child.pk, viewer_id=viewer)
        return [entry(row, viewer_id=viewer) for row in shown]

    return render(
        request,
        "consent/access_log.html",
        {
            "child": child,
            "page": page,
            "entries": words(page.object_list),
            "show_own": show_own,
            "own_count": own.count(),
            "own_page": own_page,
            "own_entries": words(own_page.object_list) if own_page is not None else [],
        },
    )


@login_required
def consent_print(request: HttpRequest, consent_id: int) -> HttpResponse:
    """One consent as a page to print or keep: the plain sentence, who signed and how,
    and the exact text signed (in the language it was signed in)."""
    try:
        consent = services.guardian_consent_open(
            actor=request.user, consent_id=consent_id, action=Action.VIEW
        )
    except NotFound:
        return _not_found(request)
    consent.summary = plain_summary(consent)  # type: ignore[attr-defined]  # for the template
    services.portal_child_shown(
        actor=request.user, child_id=consent.child_id, object_type="consent", object_id=consent.pk
    )
    return render(request, "consent/print.html", {"consent": consent})
