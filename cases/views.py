"""Web page: one case (the child, the care team, and what the apps above add: the
referrals the viewer may see, the team chat)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cases import policies, selectors, services
from cases.extensions import case_page_context
from referral_hub.errors import NotFound


@login_required
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        access = services.case_open(actor=request.user, case_id=pk)
    except NotFound:
        # A former member reloading the page gets what happened, not a 404 surprise;
        # anyone who was never on the team gets the same 404 as for a missing case.
        former = policies.former_case_access(request.user, pk)
        if former is None:
            raise Http404 from None
        case, ended = former
        return render(request, "cases/case_restricted.html", {"case": case, "ended": ended})
    case = selectors.case_detail(actor=request.user, case=access.case)
    context: dict[str, Any] = {"case": case, "role": access.role}
    for contribute in case_page_context.values():
        context.update(contribute(request.user, case))
    return render(request, "cases/case_detail.html", context)
