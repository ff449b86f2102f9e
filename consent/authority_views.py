"""The recording pages for network staff and care coordinators: find a child, read who
may consent for it and what is restricted, and record an order (an authority or a
restriction) with its document. Thin: ``consent.authority_services`` decides, checks,
writes and audits; the forms are the API's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from consent import authority_services as services
from consent.authority_end import authority_end
from consent.authority_forms import AuthorityRecordForm, RestrictionRecordForm
from families.models import Child
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.ids import parse_id
from referral_hub.inputs import show_refusal

FORMS: dict[str, type[forms.Form]] = {"authority": AuthorityRecordForm, "restriction": RestrictionRecordForm}


def _message(request: HttpRequest, title: str, text: str, status: int) -> HttpResponse:
    return render(request, "families/message.html", {"title": title, "text": text}, status=status)


def _refused(request: HttpRequest) -> HttpResponse:
    return _message(
        request, _("Not available"), _("This page is for network staff and care coordinators."), 403
    )


@login_required
def find_child(request: HttpRequest) -> HttpResponse:
    """Find the child an order is about: by name or id (a coordinator's queue children
    are listed before anything is typed)."""
    if not services.is_recorder(request.user):
        return _refused(request)
    query = request.GET.get("q", "")[:100]
    children = services.children_to_find(request.user, query)
    services.children_found_shown(actor=request.user, children=children)
    return render(request, "consent/authority/find.html", {"children": children, "q": query})


def _person_choices(child: Child) -> list[tuple[Any, str]]:
    return [("", "—")] + [
        (member.user_id, f"{member} ({member.get_relationship_display()})")
        for member in services.household_members(child)
    ]


def _forms(child: Child, bound: forms.Form | None) -> dict[str, forms.Form]:
    """Both forms, the one just posted bound (its errors beside its fields)."""
    made: dict[str, forms.Form] = {}
    for action, form_class in FORMS.items():
        form = bound if bound is not None and isinstance(bound, form_class) else form_class(prefix=action)
        form.fields["person"].widget = forms.Select(choices=_person_choices(child))
        made[action] = form
    return made


def _record(request: HttpRequest, child: Child, action: str, form: forms.Form) -> bool:
    """Record what ``form`` holds; a refusal lands beside its field. True when recorded."""
    if not form.is_valid():
        return False
    values = form.cleaned_data
    order = {key: values[key] for key in ("starts_at", "ends_at", "order_number", "document")}
    person = services.guardian_for_person(child, values["person"])
    try:
        if action == "authority":
            services.authority_record(
                actor=request.user,
                child_id=child.pk,
                holder_id=person,
                basis=values["basis"],
                purposes=values["scope"],
                **order,
            )
        else:
            services.restriction_record(
                actor=request.user, child_id=child.pk, person_id=person, kind=values["kind"], **order
            )
    except ApplicationError as exc:
        show_refusal(form, exc)
        return False
    return True


def _end(request: HttpRequest) -> dict[str, Any]:
    """End the authority the row's form names, now, with the note given (custody moved,
    an order set aside). Empty when it ended; else the row, the note as typed and the
    refusal, shown beside that row's note."""
    note = request.POST.get("note", "")
    try:
        authority_end(
            actor=request.user, authority_id=parse_id(request.POST.get("authority")) or 0, note=note
        )
    except ApplicationError as exc:
        return {"authority": request.POST.get("authority", ""), "note": note, "error": exc.message}
    return {}


@login_required
@require_http_methods(["GET", "POST"])
def child_orders(request: HttpRequest, child_id: int) -> HttpResponse:
    """One child: who may consent and why, the restrictions, and the two forms."""
    try:
        child = services.access_recording(request.user, child_id)
    except NotFound:
        return _message(request, _("Not found"), _("There is nothing here for you."), 404)
    except ApplicationError:
        return _refused(request)
    bound = None
    action = request.POST.get("action", "")
    ending: dict[str, Any] = {}
    if request.method == "POST" and action == "end":
        ending = _end(request)
        if not ending:
            messages.success(request, _("The authority ended. The consents it stood behind were re-checked."))
            return redirect("authority-child", child_id=child.pk)
    if request.method == "POST" and action in FORMS:
        bound = FORMS[action](request.POST, request.FILES, prefix=action)
        if _record(request, child, action, bound):
            messages.success(request, _("Recorded. The order is on file and in the access log."))
            return redirect("authority-child", child_id=child.pk)
    reader = services.Reader(child=child, guardian=None)
    restrictions = services.restriction_rows(reader)
    services.authority_list_shown(actor=request.user, child=child)
    return render(
        request,
        "consent/authority/child.html",
        {
            "child": child,
            "authorities": services.authority_rows(reader, restrictions),
            "restrictions": restrictions,
            "forms": _forms(child, bound),
            "ending": ending,
        },
        status=400 if bound is not None or ending else 200,
    )
