"""Web page: the case chat on a page of its own (the case page includes the same panel,
``messaging/chat_panel.html``, as a section; this page is the fallback and the direct
link), and messaging's column of the Cases page (``cases.views.cases_page``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cases.models import Case
from cases.services import case_refused
from messaging.models import Message
from messaging.policies import chat_access, chat_open_case_ids
from messaging.selectors import last_messages
from people.roles import Actor, signed_in

EXCERPT_CHARS = 140


def excerpt(message: Message | None, *, chat_open: bool) -> str:
    if message is None or not chat_open:
        return ""
    if message.is_deleted:
        return _("message removed")
    body = " ".join(message.body.split())
    return body if len(body) <= EXCERPT_CHARS else body[: EXCERPT_CHARS - 1] + "…"


def case_rows(actor: Actor, cases: list[Case]) -> dict[int, dict[str, Any]]:
    """The Cases page's chat column (registered in ``MessagingConfig.ready``): per case,
    whether the chat gate lets the viewer in, and then the last message and its first
    words. Two queries for the page (the gate, the last messages)."""
    ids = [c.pk for c in cases]
    open_ids = chat_open_case_ids(user_id=signed_in(actor).pk, case_ids=ids)
    last = last_messages(case_ids=sorted(open_ids))
    rows: dict[int, dict[str, Any]] = {}
    for pk in ids:
        chat_open = pk in open_ids
        message = last.get(pk) if chat_open else None
        rows[pk] = {
            "chat_open": chat_open,
            "last_message": message,
            "excerpt": excerpt(message, chat_open=chat_open),
        }
    return rows


@login_required
def case_chat_page(request: HttpRequest, case_id: int) -> HttpResponse:
    access = chat_access(request.user, case_id)
    if access is None:
        case_refused(actor=request.user, case_id=case_id, what="chat")
        raise Http404("Case not found.")
    return render(request, "messaging/case_chat.html", {"case": access.member.case})
