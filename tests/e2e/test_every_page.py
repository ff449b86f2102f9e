"""Every page each role reaches: it answers, and each distinct page, at 1280 px and at
390 px, has no serious or critical axe-core violation and, on the phone, nothing that
scrolls sideways or sits off-screen.

The pages are found the way a person finds them: the role's landing page, every link
in its navigation, and the links in the main content of those pages (one level down:
a child, a referral, a case, a request, a listing), same-site GET pages only.

The walk is per role: which pages a role reaches and that each answers (what each role
may see is the route inventory's and the journeys' business). The layout and
accessibility checks are per *distinct* page: one route in one language is checked
once, with the first role that reached it (Spanish words are longer: a layout that holds
in English may not, so a route met in Spanish is checked in Spanish too), and every
role's landing page is checked with that role, for its own navigation. Screenshots of
every checked page at both widths are kept."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.urls import Resolver404, resolve

from tests.e2e.conftest import STEP_TIMEOUT_MS, login
from tests.e2e.pagecheck import DESKTOP, PHONE, axe_violations, phone_problems

pytestmark = pytest.mark.e2e

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
SKIP = ("/accounts/logout", "/api/", "/admin", "/fhir/", "/hsds/", "/metrics", "/static/", "/media/")
MAX_PAGES = 16
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts")) / "every-page"


@dataclass
class Walk:
    """What each role reached, and the distinct pages among them."""

    pages: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    # (route, language) -> (role, path) of the first visit; each role's landing page too
    distinct: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)


def _links(page, base: str, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        selector, "els => els.filter(e => !e.hasAttribute('download')).map(e => e.href)"
    )
    found = []
    for href in hrefs:
        url = urlparse(href)
        if f"{url.scheme}://{url.netloc}" != base or url.path.startswith(SKIP):
            continue
        if url.path.endswith((".csv", ".pdf", ".json")):
            continue
        path = url.path + (f"?{url.query}" if url.query else "")
        if path not in found:
            found.append(path)
    return found


def _route(path: str) -> str:
    try:
        match = resolve(urlparse(path).path)
    except Resolver404:
        return path
    return match.route or match.view_name


def _walk_role(page, base: str, role: str, walk: Walk) -> None:
    if role != "anonymous":
        login(page, base, role)
    else:
        page.goto(base + "/")
    landing = urlparse(page.url).path
    answers: dict[str, tuple[int, str]] = {}  # path -> (status, language), each visited once

    def visit(path: str) -> None:
        response = page.goto(base + path, wait_until="load")
        status = response.status if response else 0
        language = page.evaluate("document.documentElement.lang") if status < 500 else ""
        answers[path] = (status, language)

    queue = [landing, *_links(page, base, "header nav a")]
    for path in list(queue):
        visit(path)
        queue += [p for p in _links(page, base, "main a") if p not in queue]
    reached = []
    for path in queue[:MAX_PAGES]:
        if path not in answers:
            visit(path)
        status, language = answers[path]
        reached.append((path, status))
        if status < 500:
            walk.distinct.setdefault((_route(path), language), (role, path))
    # The landing page carries the role's own navigation: checked for every role.
    if (role, landing) not in walk.distinct.values():
        walk.distinct[(f"landing of {role}", "")] = (role, landing)
    walk.pages[role] = reached


@pytest.fixture(scope="module")
def walk(live_server_module, browser) -> Walk:
    """Every role's walk, done once for the module (one browser context per role)."""
    base = live_server_module.url
    result = Walk()
    for role in ROLES:
        context = browser.new_context()
        context.set_default_timeout(STEP_TIMEOUT_MS)
        page = context.new_page()
        page.set_viewport_size(DESKTOP)
        try:
            _walk_role(page, base, role, result)
        finally:
            context.close()
    return result


def _role_problems(walk: Walk) -> list[str]:
    """What differs by role: each role reaches its pages, and none answers 5xx."""
    problems = []
    for role in ROLES:
        reached = walk.pages.get(role, [])
        if len(reached) < (3 if role == "anonymous" else 4):
            problems.append(f"{role}: only {reached}")
        problems += [f"{role}: {path}: HTTP {status}" for path, status in reached if status >= 500]
    return problems


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "root"


def test_every_role_reaches_its_pages_and_none_answers_5xx(walk):
    role_problems = _role_problems(walk)
    assert not role_problems, "\n".join(role_problems)


def test_every_distinct_page_is_accessible_and_fits_a_phone(walk, live_server_module, browser):
    """The module's tests share one walk: `make test` hands a module to one worker
    (`--dist loadscope`)."""
    base = live_server_module.url
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    by_role: dict[str, list[str]] = {}
    for role, path in walk.distinct.values():
        by_role.setdefault(role, []).append(path)
    checked = 0
    for role, paths in by_role.items():
        context = browser.new_context()
        context.set_default_timeout(STEP_TIMEOUT_MS)
        page = context.new_page()
        page.set_viewport_size(DESKTOP)
        if role != "anonymous":
            login(page, base, role)
        for path in paths:
            # Loaded once at 1280 px, then narrowed to 390 px (media queries apply on
            # resize); a page that sets itself up by screen width when it loads (the
            # search's filters open on wide screens: `data-open-wide`) is loaded again at
            # 390 px, as a phone would load it.
            page.set_viewport_size(DESKTOP)
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
                page.set_viewport_size(size)
                if name == "phone" and page.locator("[data-open-wide]").count():
                    page.reload()
                    page.wait_for_load_state("networkidle")
                for v in axe_violations(page):
                    problems.append(f"{role} {path} [{name}]: axe {v['id']} ({v['impact']}) at {v['nodes']}")
                if name == "phone":
                    problems += [f"{role} {path} [phone]: {p}" for p in phone_problems(page)]
                page.screenshot(
                    path=str(ARTIFACTS / f"{_slug(_route(path))}-{role}-{checked:03d}-{name}.png"),
                    full_page=False,
                )
            checked += 1
        context.close()
    # Every role's pages are covered: each reached page maps to a checked page.
    assert checked == len(walk.distinct) and checked >= 20, checked
    assert not problems, f"{len(problems)} problems on {checked} distinct pages:\n" + "\n".join(problems)
