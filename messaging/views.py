"""Web page: the case chat on a page of its own. The referrals case page includes the
same panel (``messaging/chat_panel.html``); this page is the fallback and the direct
link."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import Case
from cases.services import case_refused
from directory.roles import provider_of
from messaging.models import Message
from messaging.policies import chat_access, chat_open_case_ids
from messaging.selectors import last_messages
from people.roles import signed_in

CASES_PER_PAGE = 25
EXCERPT_CHARS = 140


@dataclass(frozen=True)
class CaseRow:
    case: Case
    chat_open: bool
    last_message: Message | None

    @property
    def excerpt(self) -> str:
        if self.last_message is None or not self.chat_open:
            return ""
        if self.last_message.is_deleted:
            return _("message removed")
        body = " ".join(self.last_message.body.split())
        return body if len(body) <= EXCERPT_CHARS else body[: EXCERPT_CHARS - 1] + "…"


@login_required
def cases_page(request: HttpRequest) -> HttpResponse:
    """The provider's cases, most recently active first: the child (as their consent
    allows: a case is listed only while it covers care coordination), the team, the
    last message (its words only where the chat gate lets them in) and the unread
    count, with the chat one tap away; below, cases they were on and can no longer see."""
    if provider_of(request.user) is None:
        return render(
            request,
            "referrals/forbidden.html",
            {"message": _("The Cases page is for providers.")},
            status=403,
        )
    page = Paginator(case_selectors.case_list(actor=request.user), CASES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    cases: list[Case] = list(page.object_list)
    ids = [c.pk for c in cases]
    open_ids = chat_open_case_ids(user_id=signed_in(request.user).pk, case_ids=ids)
    last = last_messages(case_ids=sorted(open_ids))
    rows = [CaseRow(case=c, chat_open=c.pk in open_ids, last_message=last.get(c.pk)) for c in cases]
    case_services.cases_shown(actor=request.user, cases=cases, detail="cases page")
    return render(
        request,
        "messaging/cases.html",
        {"rows": rows, "page": page, "former": case_selectors.former_cases(actor=request.user)},
    )


@login_required
def case_chat_page(request: HttpRequest, case_id: int) -> HttpResponse:
    access = chat_access(request.user, case_id)
    if access is None:
        case_refused(actor=request.user, case_id=case_id, what="chat")
        raise Http404("Case not found.")
    return render(request, "messaging/case_chat.html", {"case": access.member.case})
