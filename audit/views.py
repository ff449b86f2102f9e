"""The curators' CSV export form. (The guardian's "who has seen my child's information"
page is the consent app's.)"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from audit import services
from audit.apis import export_response
from referral_hub.errors import ApplicationError


@login_required
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    error = None
    try:
        services.audit_export_allowed(actor=request.user)
        if "start" in request.GET or "end" in request.GET:
            return export_response(request, request.GET.get("start"), request.GET.get("end"))
    except ApplicationError as exc:
        if exc.code == "curator_only":
            return render(
                request,
                "families/message.html",
                {"title": "Not available", "text": "Only curators may export the access log."},
                status=403,
            )
        error = exc.message
    return render(request, "audit/export.html", {"error": error}, status=400 if error else 200)
