"""A language is named in itself wherever a person picks the language they read
(issue 25, item 7): the header's switcher and the account settings page say "English"
and "Español" on English and Spanish pages alike, each marked with its language (``lang``)
so a screen reader says the name in that language. (Languages a provider speaks are
named in the reader's language: "Inglés" on a Spanish listing is right.)"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


def _switcher(html: str) -> list[tuple[str, str, str]]:
    form = re.search(r'<form class="language-switch".*?</form>', html, re.S)
    assert form, html
    return re.findall(r'<button[^>]*value="(\w+)" lang="(\w+)"[^>]*>([^<]*)</button>', form.group(0))


def _settings_options(html: str) -> list[tuple[str, str, str]]:
    select = re.search(r'<select name="preferred_language".*?</select>', html, re.S)
    assert select, html
    found = []
    for value, attrs, text in re.findall(r'<option value="(\w+)"([^>]*)>([^<]*)</option>', select.group(0)):
        lang = re.search(r'lang="(\w+)"', attrs)
        found.append((value, lang.group(1) if lang else "", text.strip()))
    return found


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_switcher_names_each_language_in_itself(client, language):
    html = client.get(f"/accounts/login/?lang={language}").content.decode()
    assert _switcher(html) == [("en", "en", "English"), ("es", "es", "Español")]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_account_settings_name_each_language_in_itself(client, demo, language):
    client.force_login(User.objects.get(username="guardian"))
    html = client.get(f"/accounts/settings/?lang={language}").content.decode()
    assert _settings_options(html) == [("en", "en", "English"), ("es", "es", "Español")]
