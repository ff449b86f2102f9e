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
from cases.policies import access_case, former_case_access
from cases.services import case_open, case_refused
from families.models import Child
from messaging.models import Message
from messaging.policies import chat_access, chat_open_case_ids
from messaging.selectors import last_messages
from people.roles import Actor, signed_in
from referral_hub.errors import NotFound

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


def _child_shown(actor: Actor, case_id: int) -> Child | None:
    """The case's child, for the chat page's heading, when the consent lets the member
    open the case itself (``cases.services.case_open``: the consent gate, and the read
    logged); None otherwise (the chat alone names no child)."""
    try:
        access_case(actor, case_id)
    except NotFound:
        return None
    return case_open(actor=actor, case_id=case_id).case.child


@login_required
def case_chat_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """The chat on a page of its own. A former member (consent revoked or expired,
    removed from the team) reloading it gets the access-ended page the case page shows,
    with why and since when, as a 403 (the chat is refused; nothing about the child);
    anyone never on the team the same 404 as for a missing case."""
    access = chat_access(request.user, case_id)
    if access is None:
        case_refused(actor=request.user, case_id=case_id, what="chat")
        former = former_case_access(request.user, case_id)
        if former is None:
            raise Http404("Case not found.")
        case, ended = former
        return render(request, "cases/case_restricted.html", {"case": case, "ended": ended}, status=403)
    case = access.member.case
    return render(
        request,
        "messaging/case_chat.html",
        {"case": case, "child": _child_shown(request.user, case.pk)},
    )
