"""The language switcher every page carries (``base.html``): a POST to Django's own
``set_language`` (CSRF-checked; the language cookie, then back to a safe ``next``); a GET
changes nothing anywhere (405). The apps registered with
``extensions.register_language_listener`` are then told the choice (people saves a
signed-in person's account language, so e-mails and notices follow it)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language_info
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


def endonyms() -> list[tuple[str, str]]:
    """Each language the site serves, named in itself ("English", "Español"), whatever the
    page's language: a person looking for the language they read finds its own name. (A
    language someone *speaks*, on a listing, is named in the reader's language.)"""
    return [(code, str(get_language_info(code)["name_local"]).capitalize()) for code, _ in settings.LANGUAGES]


class LanguageSelect(forms.Select):
    """A choice among the site's languages: each option marked with its language, so a
    screen reader says "Español" in Spanish on an English page."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        if option["value"]:
            option["attrs"]["lang"] = option["value"]
        return option
