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
every checked page at both widths are kept.

The checks run during the walk, on the page the walk has just loaded, in the role's own
signed-in browser (not a second sign-in and load per role and page), and only when the
checks' test is selected (CI's services pass leaves it out: templates and CSS do not
depend on the database)."""

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
    # Whether each distinct page is checked (axe, the phone layout) when first reached.
    check: bool = False
    checked: int = 0
    problems: list[str] = field(default_factory=list)


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


def _check(page, base: str, role: str, path: str, walk: Walk) -> None:
    """axe at 1280 and 390 px and the phone layout at 390 px, on the page as loaded."""
    # Loaded at 1280 px, then narrowed to 390 px (media queries apply on resize); a page
    # that sets itself up by screen width when it loads (the search's filters open on
    # wide screens: `data-open-wide`) is loaded again at 390 px, as a phone would load it.
    page.wait_for_load_state("networkidle")
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        if name == "phone" and page.locator("[data-open-wide]").count():
            page.reload()
            page.wait_for_load_state("networkidle")
        for v in axe_violations(page):
            walk.problems.append(f"{role} {path} [{name}]: axe {v['id']} ({v['impact']}) at {v['nodes']}")
        if name == "phone":
            walk.problems += [f"{role} {path} [phone]: {p}" for p in phone_problems(page)]
        page.screenshot(
            path=str(ARTIFACTS / f"{_slug(_route(path))}-{role}-{walk.checked:03d}-{name}.png"),
            full_page=False,
        )
    page.set_viewport_size(DESKTOP)
    walk.checked += 1


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

    def reached(path: str) -> None:
        """The page just loaded is one the role reaches: the first of its route and
        language is a distinct page, checked now (the role's pages are visited in the
        order of ``queue``); the landing page carries the role's own navigation."""
        status, language = answers[path]
        key = (_route(path), language) if status < 500 else None
        if path == landing and (key is None or key in walk.distinct):
            key = (f"landing of {role}", "")
        if key is None or key in walk.distinct:
            return
        walk.distinct[key] = (role, path)
        if walk.check:
            _check(page, base, role, path, walk)

    queue = [landing, *_links(page, base, "header nav a")]
    for path in list(queue):
        visit(path)
        queue += [p for p in _links(page, base, "main a") if p not in queue]
        if queue.index(path) < MAX_PAGES:
            reached(path)
    pages = []
    for path in queue[:MAX_PAGES]:
        if path not in answers:
            visit(path)
            reached(path)
        pages.append((path, answers[path][0]))
    walk.pages[role] = pages


CHECKS = "test_every_distinct_page_is_accessible_and_fits_a_phone"


@pytest.fixture(scope="module")
def walk(request, live_server_module, browser) -> Walk:
    """Every role's walk, done once for the module (one browser context per role), with
    each distinct page's checks when their test is selected."""
    base = live_server_module.url
    result = Walk(check=any(item.originalname == CHECKS for item in request.session.items))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
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


def test_every_distinct_page_is_accessible_and_fits_a_phone(walk):
    """The module's tests share one walk: `make test` hands a module to one worker
    (`--dist loadscope`)."""
    assert walk.check
    # Every role's pages are covered: each reached page maps to a checked page.
    assert walk.checked == len(walk.distinct) and walk.checked >= 20, walk.checked
    assert not walk.problems, (
        f"{len(walk.problems)} problems on {walk.checked} distinct pages:\n" + "\n".join(walk.problems)
    )
