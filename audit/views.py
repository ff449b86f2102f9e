"""Access-log pages: a guardian's "who has seen my child's information" and the
curators' CSV export form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from audit import selectors
from audit.apis import export_response
from audit.models import Action
from audit.services import audit_denied, audit_record
from families.models import Child
from people.roles import is_curator
from referral_hub.errors import ApplicationError


@login_required
def access_log(request: HttpRequest, child_id: int) -> HttpResponse:
    from consent.policies import access_child
    from referral_hub.ids import id_for_lookup

    try:
        child = access_child(request.user, child_id)
    except ApplicationError:
        child = None
    if child is None or not child.is_own:
        audit_denied(
            actor=request.user,
            action=Action.VIEW,
            child_id=Child.objects.filter(pk=id_for_lookup(child_id)).values_list("pk", flat=True).first(),
            object_type="access_log",
            object_id=child_id,
        )
        return render(
            request,
            "families/message.html",
            {"title": "Not found", "text": "There is nothing here for you."},
            status=404,
        )
    # Logged first, so the page and its row count agree (this view is listed too).
    audit_record(
        actor=request.user, action=Action.VIEW, child=child, object_type="access_log", object_id=child.pk
    )
    page = Paginator(selectors.child_access_log(child_id=child.pk), 50).get_page(request.GET.get("page"))
    return render(request, "audit/access_log.html", {"child": child, "page": page})


@login_required
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    if not is_curator(request.user):
        audit_denied(
            actor=request.user, action=Action.EXPORT, object_type="audit_log", detail="not a curator"
        )
        return render(
            request,
            "families/message.html",
            {"title": "Not available", "text": "Only curators may export the access log."},
            status=403,
        )
    error = None
    if "start" in request.GET or "end" in request.GET:
        try:
            return export_response(request, request.GET.get("start"), request.GET.get("end"))
        except ApplicationError as exc:
            error = exc.message
    return render(request, "audit/export.html", {"error": error}, status=400 if error else 200)
