"""Web pages: the Cases page (a provider's cases and the cases they lost) and one case
(the child, the care team, and the sections the apps above register: the referrals the
viewer may see, the team chat)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cases import policies, selectors, services
from cases.extensions import case_list_columns, case_page_sections
from cases.models import Case
from directory.roles import provider_of
from referral_hub.errors import NotFound

CASES_PER_PAGE = 25


@dataclass(frozen=True)
class CaseRow:
    case: Case
    # One entry per registered column: its templates and its data for this case.
    parts: list[dict[str, Any]] = field(default_factory=list)


@login_required
def cases_page(request: HttpRequest) -> HttpResponse:
    """The provider's cases, most recently active first: the child (as their consent
    allows: a case is listed only while it covers care coordination), the team, the
    unread count and what the apps above add (messaging: the last message, its words
    only where the chat gate lets them in, and the chat one tap away); below, cases
    they were on and can no longer see."""
    if provider_of(request.user) is None:
        return render(
            request,
            "cases/forbidden.html",
            {"message": _("The Cases page is for providers.")},
            status=403,
        )
    page = Paginator(selectors.case_list(actor=request.user), CASES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    cases: list[Case] = list(page.object_list)
    columns = [(column, column.rows(request.user, cases)) for column in case_list_columns.values()]
    rows = [
        CaseRow(
            case=c,
            parts=[
                {
                    "summary_template": column.summary_template,
                    "actions_template": column.actions_template,
                    **data.get(c.pk, {}),
                }
                for column, data in columns
            ],
        )
        for c in cases
    ]
    services.cases_shown(actor=request.user, cases=cases, detail="cases page")
    return render(
        request,
        "cases/cases.html",
        {"rows": rows, "page": page, "former": selectors.former_cases(actor=request.user)},
    )


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
    sections = [
        {"template": s.template, **(s.context(request.user, case) if s.context else {})}
        for s in sorted(case_page_sections.values(), key=lambda s: s.order)
    ]
    return render(
        request, "cases/case_detail.html", {"case": case, "role": access.role, "sections": sections}
    )
