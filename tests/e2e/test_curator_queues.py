"""Issue 25, item 9: a curator finds every queue by clicking, starting from where
signing in lands them. The listings queue (`/curate/listings/`) was linked from nowhere."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page

pytestmark = pytest.mark.e2e

# Every curator queue: the navigation link's words, and the heading of the page it opens.
QUEUES = {
    "Verify endorsements": ("/curate/", "Curate endorsements"),
    "Listings queue": ("/curate/listings/", "Listings to check"),
    "Model credentials": ("/curate/models/", "Model credentials to verify"),
    "Endorsement applications": ("/endorsement/curate/", "Endorsement applications and renewals"),
}


def test_a_curator_reaches_every_queue_from_their_home_by_clicking(live_server_factory, new_page):
    base = live_server_factory().url
    page = new_page()
    login(page, base, "curator")
    home = page.url
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        for label, (path, heading) in QUEUES.items():
            page.goto(home)
            page.get_by_role("navigation").get_by_role("link", name=label, exact=True).click()
            assert page.url == base + path, (label, page.url)
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
            check_page(page, f"{label} at {size['width']} px")
