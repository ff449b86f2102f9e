"""Every page each role reaches, at 1280 px and at 390 px: axe-core finds no serious or
critical violation, and on the phone nothing scrolls sideways or sits off-screen.

The pages are found the way a person finds them: the role's landing page, every link
in its navigation, and the links in the main content of those pages (one level down:
a child, a referral, a case, a request, a listing), same-site GET pages only."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import login
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


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role_is_accessible_and_fits_a_phone(live_server_module, new_page, role):
    base = live_server_module.url
    page = new_page()
    page.set_viewport_size(DESKTOP)
    if role != "anonymous":
        login(page, base, role)
    else:
        page.goto(base + "/")
    landing = urlparse(page.url).path
    queue = [landing, *_links(page, base, "header nav a")]
    for path in list(queue):
        page.goto(base + path)
        queue += [p for p in _links(page, base, "main a") if p not in queue]
    pages = queue[:MAX_PAGES]
    problems: list[str] = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for number, path in enumerate(pages):
        for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            response = page.goto(base + path)
            page.wait_for_load_state("networkidle")
            status = response.status if response else 0
            if status >= 500:
                problems.append(f"{path} [{name}]: HTTP {status}")
                continue
            for v in axe_violations(page):
                problems.append(f"{path} [{name}]: axe {v['id']} ({v['impact']}) at {v['nodes']}")
            if name == "phone":
                problems += [f"{path} [phone]: {p}" for p in phone_problems(page)]
            page.screenshot(path=str(ARTIFACTS / f"{role}-{number:02d}-{name}.png"), full_page=False)
    assert len(pages) >= (3 if role == "anonymous" else 4), pages
    assert not problems, f"{role}: {len(problems)} problems on {len(pages)} pages:\n" + "\n".join(problems)
