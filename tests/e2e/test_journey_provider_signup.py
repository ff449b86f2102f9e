"""Journey (issue 25, item 9): a provider with no account signs up from the sign-in
page, confirms the address through the e-mail a real SMTP server receives, signs in,
finds the practice's listing, claims it; a curator finds the claim from the navigation
and approves it; the provider edits the listing. Screenshots at 1280 and 390 px in
$E2E_ARTIFACTS/journeys/, check_page on each page."""

from __future__ import annotations

import os
import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page
from tests.mailserver import SmtpServer, free_port, text_of

pytestmark = pytest.mark.e2e

ARTIFACTS = os.path.join(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts"), "journeys")
os.makedirs(ARTIFACTS, exist_ok=True)
EMAIL = "wren@willowtherapy.example"
PASSWORD = "Willow-tree-2026!"


@pytest.fixture
def smtp():
    server = SmtpServer(free_port())
    server.up()
    yield server
    server.down()


def shoot(page: Page, name: str) -> None:
    for size, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        check_page(page, f"{name} ({label})")
        page.screenshot(path=f"{ARTIFACTS}/provider-signup-{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def confirmation_link(smtp: SmtpServer, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in smtp.mailbox.messages:
            found = re.search(r"(/accounts/providers/confirm/\S+/)", text_of(message))
            if EMAIL in (message["To"] or "") and found:
                return found.group(1)
        time.sleep(0.2)
    raise AssertionError("no confirmation e-mail")


def test_a_provider_signs_up_claims_the_listing_and_edits_it_once_a_curator_approves(
    live_server_factory, new_page, smtp
):
    group = live_server_factory(processes=0)
    group.env.update(
        CELERY_TASK_ALWAYS_EAGER="1",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
    )
    group.start_process()
    base = group.url

    wren = new_page()
    wren.goto(base + "/accounts/login/")
    wren.get_by_role("link", name="Sign up and claim your listing").click()
    expect(wren.get_by_role("heading", level=1)).to_have_text("Sign up as a provider")
    wren.get_by_label("First name").fill("Wren")
    wren.get_by_label("Last name").fill("Alder")
    wren.get_by_label("Work e-mail address").fill(EMAIL)
    wren.get_by_label("Password", exact=True).fill(PASSWORD)
    wren.get_by_label("Password again").fill("not the same")
    wren.get_by_role("button", name="Create account").click()
    expect(wren.get_by_text("The two passwords differ.")).to_be_visible()
    expect(wren.get_by_label("Work e-mail address")).to_have_value(EMAIL)
    shoot(wren, "form-refused")
    wren.get_by_label("Password", exact=True).fill(PASSWORD)
    wren.get_by_label("Password again").fill(PASSWORD)
    wren.get_by_role("button", name="Create account").click()
    expect(wren.get_by_role("heading", level=1)).to_have_text("Check your e-mail")

    wren.goto(base + confirmation_link(smtp))
    expect(wren.get_by_text("Your e-mail address is confirmed")).to_be_visible()
    shoot(wren, "confirmed")
    login(wren, base, EMAIL, PASSWORD)
    wren.goto(base + "/?q=Willow+Family+Therapy")
    wren.get_by_role("link", name="Willow Family Therapy").first.click()
    listing_url = wren.url
    wren.get_by_role("button", name="This is my listing: claim it").click()
    expect(wren.get_by_text("Your claim was sent")).to_be_visible()
    shoot(wren, "claimed")

    curator = new_page()
    login(curator, base, "curator")
    curator.get_by_role("navigation").get_by_role("link", name="Listings queue", exact=True).click()
    row = curator.locator("tr").filter(has_text=EMAIL)
    shoot(curator, "curator-queue")
    row.get_by_role("button", name="Approve").click()
    expect(curator.get_by_text("Willow Family Therapy").first).to_be_visible()

    provider_id = int(re.search(r"/providers/(\d+)/", listing_url).group(1))
    wren.goto(f"{base}/providers/{provider_id}/edit/")
    wren.get_by_label("Phone").fill("(734) 555-0199")
    wren.get_by_role("button", name="Save changes").click()
    expect(wren.get_by_text("Saved")).to_be_visible()
    shoot(wren, "edits-listing")
    wren.goto(listing_url)
    expect(wren.get_by_text("(734) 555-0199")).to_be_visible()
