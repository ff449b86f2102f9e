"""The language switcher every page carries (``base.html``): a POST to Django's own
``set_language`` (CSRF-checked; the language cookie, then back to a safe ``next``); a GET
changes nothing anywhere (405). The apps registered with
``extensions.register_language_listener`` are then told the choice (people saves a
signed-in person's account language, so e-mails and notices follow it)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views import i18n
from django.views.decorators.http import require_POST

from referral_hub import extensions


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    response = i18n.set_language(request)
    code = request.POST.get("language", "")
    if code in {served for served, _ in settings.LANGUAGES}:
        for listener in extensions.language_listeners():
            listener(request, code)
    return response


def switch_next(request: HttpRequest) -> str:
    """This page's address without ``lang``: where the switcher returns, so the new
    choice is not overruled by a ``?lang=`` link."""
    query = request.GET.copy()
    query.pop("lang", None)
    return f"{request.path}?{query.urlencode()}" if query else request.path
