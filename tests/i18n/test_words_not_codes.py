"""Codes instead of words (issue 25, item 10): no page any demo role reaches shows a raw
choice value ("no_capacity", "awaiting_signature", "in_review") where a person reads it,
in English or in Spanish.

The codes are every ``choices`` value across the apps' models and ``TextChoices`` that is
a code: it contains "_" (checked on every page), or it is a lowercase ASCII word whose
label differs (checked on Spanish pages, where the English word is a code too: "sent"
on "Estado: sent"; on an English page "sent" may be a plain word in a sentence).

The walk is the server-side twin of ``tests/e2e/test_every_page.py``: each role's
landing page, every link in the header navigation and in the main content of those
pages, one level down, plus every GET page of the route inventory the role may open. The
visible text is what a reader sees or hears: text between tags and the attributes read
aloud (``aria-label``, ``title``, ``placeholder``, ``alt``); never form values, links or
scripts. E-mail addresses and web addresses in the text are left out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlparse

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import translation

from tests.routes import ROLE_USERNAMES
from tests.test_route_inventory import ROUTES

ROLES = [
    "anonymous",
    "guardian",
    "guardian_es",
    "pediatrician",
    "slp",
    "imh_clinician",
    "outsider",
    "curator",
    "reviewer",
    "coordinator",
    "network_lead",
]
SKIP = (
    "/accounts/logout",
    "/api/",
    "/admin",
    "/fhir/",
    "/hsds/",
    "/metrics",
    "/static/",
    "/media/",
    "/i18n/",
)
MAX_PAGES = 40
LANGUAGES = ("en", "es")
# Words that are a code somewhere and a plain word of the page's language too.
PLAIN_WORDS = {"es": {"no", "total", "general", "local", "regional", "a", "de"}, "en": set()}

# Every page: no exceptions (issue 25's owners of the coordination tabs, public
# verification, applications and notices turned theirs into words).


# --- The codes ---------------------------------------------------------------------------


def _choice_classes() -> Iterator[type[models.Choices]]:
    seen: set[type] = set()
    stack: list[type] = [models.TextChoices]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
                yield sub


def _project_pairs() -> Iterator[tuple[str, str]]:
    """(value, English label) of every choice the project's apps define."""
    ours = {config.name for config in apps.get_app_configs() if not config.name.startswith("django.")}
    for cls in _choice_classes():
        if cls.__module__.split(".")[0] in ours:
            for value, label in cls.choices:
                yield str(value), str(label)
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in ours:
            continue
        for model_field in model._meta.get_fields():
            for value, label in getattr(model_field, "flatchoices", None) or []:
                if isinstance(value, str):
                    yield value, str(label)


def codes() -> dict[str, set[str]]:
    """Per page language, the codes to look for."""
    found: dict[str, set[str]] = {"en": set(), "es": set()}
    with translation.override("en"):
        pairs = set(_project_pairs())
    for value, label in pairs:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", value) or value == label:
            continue
        if "_" in value:
            found["en"].add(value)
            found["es"].add(value)
        elif len(value) > 2:
            found["es"].add(value)
    return {language: words - PLAIN_WORDS[language] for language, words in found.items()}


# --- What a reader sees ------------------------------------------------------------------


class _Page(HTMLParser):
    READ = {"aria-label", "title", "placeholder", "alt"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: dict[str, list[str]] = {"nav": [], "main": []}
        self._skip = 0
        self._where: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag in ("header", "main"):
            self._where.append(tag)
        self.texts += [value for name, value in attrs if value and name in self.READ]
        if tag == "a" and named.get("href") and "download" not in named and self._where:
            self.links["nav" if self._where[-1] == "header" else "main"].append(named["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1
        if tag in ("header", "main") and self._where and self._where[-1] == tag:
            self._where.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.texts.append(data)


ADDRESSES = re.compile(r"\S+@\S+|https?://\S+|/[\w/.-]+")
# A one-word code shows as a value, not as a word of a sentence: a text of its own
# ("<td>developmental</td>"), or after a colon, an arrow, a dot separator or "status"
# ("Estado: sent", "sent → accepted", "open · queued"), and before the text's end or
# punctuation.
_BEFORE = r"(?:^|[:→·|(]\s*|\b(?:estado|status)\s+)"
_AFTER = r"(?=\s*(?:$|[.,;:·→()|—]))"


def visible_text(html: str) -> list[str]:
    """Each text a reader sees or hears, addresses blanked."""
    page = _Page()
    page.feed(html)
    return [" ".join(ADDRESSES.sub(" ", text).split()) for text in page.texts if text.strip()]


def raw_codes(texts: list[str], wanted: set[str]) -> set[str]:
    found = set()
    for text in texts:
        for word in re.findall(r"(?<![\w-])[a-z][a-z0-9_]*(?![\w-])", text):
            if word not in wanted:
                continue
            if "_" in word or re.search(_BEFORE + re.escape(word) + _AFTER, text, re.IGNORECASE):
                found.add(word)
    return found


# --- The walk ----------------------------------------------------------------------------


def _same_site(href: str) -> str | None:
    url = urlparse(href)
    if url.scheme or url.netloc or not url.path.startswith("/") or url.path.startswith(SKIP):
        return None
    if url.path.endswith((".csv", ".pdf", ".json", ".ics")):
        return None
    query = [(k, v) for k, v in parse_qsl(url.query) if k != "lang"]
    return url.path + (f"?{urlencode(query)}" if query else "")


def _get(client, path: str, language: str):
    url = urlparse(path)
    query = [*parse_qsl(url.query), ("lang", language)]
    return client.get(f"{url.path}?{urlencode(query)}")


def _inventory_pages(role: str, demo: dict) -> list[str]:
    inventory_role = {"pediatrician": "team_provider"}.get(role, role)
    pages = []
    for route in ROUTES:
        if route.method != "get" or route.expect.get(inventory_role) != 200:
            continue
        path = reverse(route.name, kwargs=route.kwargs(demo)) + (f"?{route.query}" if route.query else "")
        if _same_site(path):
            pages.append(path)
    return pages


def walk_role(client, role: str, demo: dict) -> dict[str, dict[str, list[str]]]:
    """path -> {language: visible text} of every page ``role`` reaches."""
    from django.contrib.auth.models import User

    client.logout()
    if role != "anonymous":
        client.force_login(User.objects.get(username=ROLE_USERNAMES.get(role, role)))
    seen: dict[str, dict[str, list[str]]] = {}
    # A page the public reaches reads the same signed in (only the header differs):
    # walked once, by the anonymous visitor, when that walk was done first.
    public = set(_WALKS.get("anonymous", {})) if role != "anonymous" else set()
    landing = client.get("/", follow=True).request["PATH_INFO"]
    queue = [landing]
    for path in queue:
        if len(seen) >= MAX_PAGES:
            break
        if path in public and path != landing:
            continue
        for language in LANGUAGES:
            response = _get(client, path, language)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            seen.setdefault(path, {})[language] = visible_text(html)
            if language == "en" and (path == landing or path in queue[:12]):
                page = _Page()
                page.feed(html)
                for href in page.links["nav"] + page.links["main"]:
                    found = _same_site(href)
                    if found and found not in queue:
                        queue.append(found)
    for path in _inventory_pages(role, demo):
        if path in seen or path in public:
            continue
        for language in LANGUAGES:
            response = _get(client, path, language)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                seen.setdefault(path, {})[language] = visible_text(response.content.decode())
    return seen


_WALKS: dict[str, dict[str, dict[str, list[str]]]] = {}


def problems_of(role: str, client, demo: dict, wanted: dict[str, set[str]]) -> list[str]:
    """ "path [language]: code" for each raw code on a page ``role`` reaches. The walk is
    done once per role (the pages only read)."""
    if role not in _WALKS:
        _WALKS[role] = walk_role(client, role, demo)
    return [
        f"{role} {path} [{language}]: {code}"
        for path, texts in sorted(_WALKS[role].items())
        for language, text in texts.items()
        for code in sorted(raw_codes(text, wanted[language]))
    ]


@pytest.fixture(scope="module")
def wanted() -> dict[str, set[str]]:
    return codes()


@pytest.mark.parametrize("role", ROLES)
def test_no_page_a_role_reaches_shows_a_raw_code(role, demo, client, wanted):
    problems = problems_of(role, client, demo, wanted)
    assert len(_WALKS[role]) >= 2, f"{role} reached only {list(_WALKS[role])}"
    assert not problems, "raw codes where people read words:\n" + "\n".join(problems)


# The check itself must be able to fail.


def test_the_codes_include_the_ones_issue_25_found(wanted):
    for code in ("no_capacity", "awaiting_signature", "in_review", "infant_family_specialist"):
        assert code in wanted["en"] and code in wanted["es"], code
    assert "sent" in wanted["es"] and "sent" not in wanted["en"]


def test_the_visible_text_leaves_out_values_links_and_scripts():
    html = (
        '<main><p>Estado: sent</p><input value="no_capacity"><a href="/x/?s=in_review">Ver</a>'
        '<option value="waitlist">Lista de espera</option><script>var s = "awaiting_signature";</script>'
        '<span aria-label="no_capacity"></span> mail me at no_capacity@demo.invalid</main>'
    )
    wanted = {"sent", "no_capacity", "in_review", "awaiting_signature", "waitlist", "family"}
    assert raw_codes(visible_text(html), wanted) == {"sent", "no_capacity"}
    # A one-word code as a value, not as a word of a sentence.
    assert raw_codes(
        ["sent → accepted", "family coaching", "Filtro: open · queued"],
        {"sent", "accepted", "family", "open", "queued"},
    ) == {
        "sent",
        "accepted",
        "open",
        "queued",
    }
