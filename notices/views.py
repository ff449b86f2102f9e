"""The notice centre page: read, open (marks read) and mark all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from notices import selectors, services
from people.roles import signed_in
from referral_hub.ids import parse_id


@login_required
def notice_centre(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    notices = selectors.notice_list(user_id=signed_in(request.user).pk, unread_only=unread_only)
    return render(
        request,
        "notices/notices.html",
        {"notices": notices, "unread_only": unread_only, "limit": selectors.PAGE_LIMIT},
    )


@login_required
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notice: it is marked read, then on to what it is about."""
    notice = selectors.notice_get(user_id=signed_in(request.user).pk, notice_id=pk)
    if notice is None:
        raise Http404
    services.notices_mark_read(actor=request.user, notice_ids=[notice.id])
    return redirect(notice.url or "notices")


@login_required
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    if request.POST.get("all"):
        marked = services.notices_mark_read(actor=request.user)
    else:
        ids = [pk for pk in (parse_id(v) for v in request.POST.getlist("id")) if pk is not None]
        marked = services.notices_mark_read(actor=request.user, notice_ids=ids) if ids else 0
    if marked:
        text = ngettext("Marked %(count)d notice as read.", "Marked %(count)d notices as read.", marked)
        messages.success(request, text % {"count": marked})
    return redirect("notices")
