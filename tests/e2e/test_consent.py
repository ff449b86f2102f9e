"""A guardian, on a desktop and on a phone: shares Lucía's information with a provider
found in the directory, reads who has seen it (other people first, the family's own
visits folded away), revokes the consent and reads it in the past tense; then the same
portal in Spanish."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts"))


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"guardian-{name}.png"), full_page=True)


def both_widths(page, where: str) -> None:
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        check_page(page, f"{where} at {size['width']} px")


def test_guardian_shares_reads_the_access_log_revokes_and_reads_spanish(live_server_factory, new_page):
    server = live_server_factory()
    page = new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size(DESKTOP)
    login(page, server.url, "guardian")

    page.goto(f"{server.url}/portal/")
    expect(page.get_by_role("heading", name="My family", level=1)).to_be_visible()
    both_widths(page, "portal")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("region", name="Lucía Rivera").get_by_role("link", name="Share with a provider").click()
    child_url = page.url.replace("share/", "")
    child_id = re.search(r"/children/(\d+)/", page.url).group(1)

    page.get_by_label("Provider name, organization or kind of help").fill("Okafor")
    page.get_by_role("button", name="Search the directory").click()
    both_widths(page, "find the provider")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Choose Samuel Okafor").click()
    both_widths(page, "what, why and until when")
    page.set_viewport_size(DESKTOP)
    page.get_by_label("Making a referral").check()
    page.get_by_label("Basic details (name, birth date, language)").check()
    page.get_by_label("Screening results").check()
    page.get_by_role("button", name="Review the authorization").click()
    authorization = page.get_by_role("article", name=re.compile("Authorization text"))
    for heading in ("Who will receive it", "Your right to revoke", "Care does not depend on signing"):
        expect(authorization.get_by_role("heading", name=heading)).to_be_visible()
    both_widths(page, "review and sign")
    page.set_viewport_size(DESKTOP)
    page.get_by_label("Your password (your signature)").fill("demo-pass-2026")
    page.get_by_role("button", name="Sign and share").click()

    expect(page.get_by_role("heading", name="Lucía Rivera")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Consent given")
    active = page.locator("li.consent-card[data-status=active]").filter(has_text="Samuel Okafor")
    expect(active).to_have_count(1)
    expect(active).to_contain_text(
        re.compile(
            r"Samuel Okafor may see Lucía's basic details and screening results to make a referral, until \d"
        )
    )
    both_widths(page, "child page with cards")
    revoke = active.get_by_role("link", name=re.compile("Revoke consent for Samuel Okafor"))
    revoke.scroll_into_view_if_needed()
    expect(revoke).to_be_in_viewport()  # on screen at 390 px, not cut off at the side
    shot(page, "child-phone")

    # The provider reads Lucía's record now that the family consented.
    provider = new_page()
    login(provider, server.url, "slp")
    assert provider.request.get(f"{server.url}/api/v1/children/{child_id}/").status == 200

    page.goto(f"{child_url}access-log/")
    page.set_viewport_size(PHONE)
    others = page.locator("ol[aria-labelledby=others]")
    expect(others.locator("li").first).to_contain_text("(care provider)")
    expect(others).to_contain_text("Viewed")
    expect(others).not_to_contain_text("the family page")
    expect(page.get_by_text(re.compile(r"Your family's own visits are hidden \(\d+\)"))).to_be_visible()
    for code in ("access_log", "case_message", "care_coordination", "demographics"):
        expect(page.locator("main")).not_to_contain_text(code)
    both_widths(page, "access log")
    shot(page, "access-log-phone")
    page.get_by_role("link", name="Show them").click()
    expect(page.locator("ol[aria-labelledby=own]")).to_contain_text("You")
    both_widths(page, "access log with the family's visits")

    page.goto(child_url)
    page.set_viewport_size(PHONE)
    page.locator("li.consent-card[data-status=active]").filter(has_text="Samuel Okafor").get_by_role(
        "link", name=re.compile("Revoke consent for Samuel Okafor")
    ).click()
    expect(page.get_by_role("heading", name="Revoke this consent?")).to_be_visible()
    both_widths(page, "revoke confirmation")
    page.get_by_role("button", name="Yes, revoke").click()
    expect(page.get_by_role("status")).to_contain_text("Consent revoked")
    expect(
        page.locator("li.consent-card[data-status=active]").filter(has_text="Samuel Okafor")
    ).to_have_count(0)
    revoked = page.locator("li.consent-card[data-status=revoked]").filter(has_text="to make a referral")
    expect(
        revoked.filter(has_text="Samuel Okafor could see Lucía's").filter(
            has_text="until you revoked this on"
        )
    ).to_have_count(1)
    both_widths(page, "child page after revoking")
    page.set_viewport_size(PHONE)
    shot(page, "revoked-phone")

    # The language switcher, on a phone: a button, no script needed; the account keeps it.
    page.goto(f"{server.url}/portal/")
    page.get_by_role("form", name="Language").get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page).to_have_url(f"{server.url}/portal/")
    expect(page.get_by_role("button", name="Español")).to_have_attribute("aria-pressed", "true")
    page.goto(f"{server.url}/portal/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Mi familia", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Compartir con un proveedor").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("puede ver")
    expect(page.locator("main")).not_to_contain_text("Share with a provider")
    both_widths(page, "portal in Spanish")
    page.set_viewport_size(PHONE)
    shot(page, "portal-es-phone")
    assert not errors, errors
