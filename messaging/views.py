"""Web page: the case chat on a page of its own. The referrals case page includes the
same panel (``messaging/chat_panel.html``); this page is the fallback and the direct
link."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from messaging.policies import chat_access
from referrals.services import case_refused


@login_required
def case_chat_page(request: HttpRequest, case_id: int) -> HttpResponse:
    access = chat_access(request.user, case_id)
    if access is None:
        case_refused(actor=request.user, case_id=case_id, what="chat")
        raise Http404("Case not found.")
    return render(request, "messaging/case_chat.html", {"case": access.member.case})
