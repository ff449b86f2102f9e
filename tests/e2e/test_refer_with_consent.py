"""Referring with consent in view, in two browsers at 1280 px and 390 px: the pediatrician
refers Mateo to a provider the family's consent covers; then picks one no consent covers
and asks the family to share; the guardian signs it in the portal; the pediatrician sees
the answer and can now refer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts"))


def both_widths(page, where: str) -> None:
    """check_page at the desktop and phone widths, with a screenshot of each."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        check_page(page, f"{where} ({name})")
        page.screenshot(path=str(ARTIFACTS / f"refer-consent-{where}-{name}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


KEPT_REASON = "Developmental evaluation, as agreed with the family."


def search_recipient(page, text: str) -> None:
    page.get_by_label("Search the directory").fill(text)
    expect(page.locator("#recipient-search-status")).to_contain_text("Providers found:")


def send_referral(page, reason: str | None) -> None:
    """Send the form; ``reason`` None: as it stands (a draft kept from asking the family)."""
    if reason is not None:
        page.get_by_label("Reason for referral").fill(reason)
        page.get_by_label("Urgency").select_option("soon")
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator("h1")).to_contain_text("Referral #", timeout=20_000)
    expect(page.locator("#referral-status")).to_have_text("Sent")


def test_pediatrician_asks_the_family_to_share_then_refers(live_server_factory, new_page):
    group = live_server_factory(processes=1)
    maya, rosa = new_page(), new_page()
    login(maya, group.url, "pediatrician")
    login(rosa, group.url, "guardian")

    # 1. A covered provider: marked, chosen by default, the referral goes.
    maya.goto(f"{group.url}/referrals/new/")
    expect(maya.get_by_label("Child")).to_contain_text("Mateo Rivera")
    selected = maya.locator("#to_provider option:checked")
    expect(selected).to_contain_text("✓")
    expect(maya.locator("#recipient-consent")).to_have_text(
        "The family’s consent covers this provider for a referral."
    )
    expect(maya.locator("#ask-family")).to_be_hidden()
    both_widths(maya, "form")
    search_recipient(maya, "Romero")
    expect(selected).to_contain_text("✓ Dr. Lucia Romero")
    send_referral(maya, "Sleep and separation worries.")
    both_widths(maya, "referral")

    # 2. A provider no consent covers: never the default; the page offers to ask.
    maya.goto(f"{group.url}/referrals/new/")
    search_recipient(maya, "Outsider")
    uncovered = maya.locator('#to_provider optgroup[data-group="others"] option')
    expect(uncovered).to_have_count(1)
    expect(selected).to_have_text("Choose a provider")
    maya.locator("#to_provider").select_option(uncovered.get_attribute("value"))
    expect(maya.locator("#recipient-consent")).to_contain_text(
        "No consent from the family covers this provider"
    )
    ask = maya.locator("#ask-family")
    expect(ask).to_be_visible()
    # What is typed before asking is kept for when the family has signed (issue 25).
    outsider_id = uncovered.get_attribute("value")
    child_id = maya.get_by_label("Child").input_value()
    maya.get_by_label("Reason for referral").fill(KEPT_REASON)
    maya.get_by_label("Urgency").select_option("soon")
    both_widths(maya, "ask")
    ask.get_by_label("Note to the family (optional)").fill("A psychologist for a developmental evaluation.")
    ask.get_by_role("button", name="Ask the family to share with this provider").click()
    expect(maya.locator(".messages")).to_contain_text("We asked the family to share with Alex Outsider.")
    expect(maya.locator("#asked-heading")).to_be_visible()
    expect(maya.locator("table.stack").last).to_contain_text("Waiting for the family")

    # 3. The guardian sees the notice in the portal and signs with her password.
    rosa.goto(f"{group.url}/portal/")
    notice = rosa.locator(".consent-requests")
    expect(notice).to_contain_text("Dr. Maya Chen asks you to share Mateo's information with Alex Outsider.")
    both_widths(rosa, "portal")
    notice.get_by_role("link", name="Read and answer").click()
    expect(rosa.locator("h1")).to_have_text("A request to share")
    expect(rosa.locator("main")).to_contain_text("A psychologist for a developmental evaluation.")
    both_widths(rosa, "request")
    rosa.get_by_label("Your password (your signature)").fill("not-my-password")
    rosa.get_by_role("button", name="Sign and share").click()
    expect(rosa.locator("#password-error")).to_be_visible()
    rosa.get_by_label("Your password (your signature)").fill("demo-pass-2026")
    rosa.get_by_role("button", name="Sign and share").click()
    expect(rosa.locator(".messages")).to_contain_text("Signed. Alex Outsider may now see")
    expect(rosa.locator(".consent-requests")).to_have_count(0)

    # 4. The pediatrician follows the family's answer back to the form: the provider is
    # covered now, and what she typed before asking is there; she sends it as it stands.
    maya.goto(f"{group.url}/referrals/new/?child={child_id}&to_provider={outsider_id}")
    expect(maya.locator("table.stack").last).to_contain_text("Signed by the family")
    expect(selected).to_contain_text("✓ Alex Outsider")
    expect(maya.locator("#ask-family")).to_be_hidden()
    expect(maya.get_by_label("Reason for referral")).to_have_value(KEPT_REASON)
    expect(maya.get_by_label("Urgency")).to_have_value("soon")
    send_referral(maya, None)
