"""A provider sets a waitlist from the dashboard in one click; a family sees it on the
search card and the profile (desktop and phone widths, axe and phone-fit checks)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import login
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts"))


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"capacity-{name}.png"), full_page=True)


def test_provider_sets_a_waitlist_and_the_family_sees_it(live_server_module, new_page):
    base = live_server_module.url
    provider = new_page()
    provider.set_viewport_size(DESKTOP)
    login(provider, base, "imh_clinician")
    provider.goto(base + "/dashboard/")
    form = provider.get_by_role("region", name="Can you take new families?")
    form.get_by_label("Waitlist", exact=True).check()
    form.get_by_label("Waitlist: about how many weeks?").fill("8")
    form.get_by_label("Note for families (optional)").fill("Evening slots open first.")
    check_page(provider, "dashboard capacity form (desktop)")
    form.get_by_role("button", name="Update capacity").click()
    provider.wait_for_load_state("networkidle")
    assert provider.url.endswith("/dashboard/")
    assert (
        "Capacity changed from “Waitlist about 6 weeks” to “Waitlist about 8 weeks”."
        in provider.locator("body").inner_text()
    )
    shot(provider, "dashboard")
    provider.set_viewport_size(PHONE)
    check_page(provider, "dashboard after update (phone)")

    family = new_page()
    for size, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        family.set_viewport_size(size)
        family.goto(base + "/?near=48108&discipline=mental_health_clinician")
        card = family.locator(".result", has=family.get_by_role("link", name="Dr. Lucia Romero"))
        line = card.locator(".capacity").inner_text()
        assert "Waitlist about 8 weeks" in line and "updated today" in line, line
        check_page(family, f"search card ({label})")
        shot(family, f"search-{label}")

        card.get_by_role("link", name="Dr. Lucia Romero").click()
        family.wait_for_load_state("networkidle")
        profile = family.locator(".profile")
        assert "Waitlist about 8 weeks, updated today — Evening slots open first." in profile.locator(
            ".capacity"
        ).inner_text().replace("\n", " ")
        assert profile.get_by_role("link", name="(734) 555-0142").get_attribute("href") == "tel:7345550142"
        assert profile.get_by_role("link", name="Directions to the").first.is_visible()
        assert profile.get_by_role("link", name="Report a problem with this listing").is_visible()
        check_page(family, f"profile ({label})")
        shot(family, f"profile-{label}")

    # The family reports a wrong detail; a curator resolves it from the listing queue.
    family.get_by_role("link", name="Report a problem with this listing").click()
    check_page(family, "report form (phone)")
    family.get_by_label("The phone number is wrong").check()
    family.get_by_role("button", name="Send report").click()
    family.wait_for_load_state("networkidle")
    assert "A curator will check this listing" in family.locator("body").inner_text()

    provider.goto(base + "/dashboard/")
    provider.get_by_role("link", name="Edit my listing").click()
    provider.wait_for_load_state("networkidle")
    check_page(provider, "edit my listing (phone)")
    provider.get_by_role("button", name="Confirm my listing is correct").click()
    provider.wait_for_load_state("networkidle")
    assert "marked as checked today" in provider.locator("body").inner_text()
    shot(provider, "edit-phone")

    curator = new_page()
    curator.set_viewport_size(PHONE)
    login(curator, base, "curator")
    curator.goto(base + "/curate/listings/")
    check_page(curator, "listing queue (phone)")
    shot(curator, "queue-phone")
    row = curator.locator("tr", has_text="Dr. Lucia Romero")
    row.get_by_label("What did you do?").fill("Called the clinic; the number is right.")
    row.get_by_role("button", name="Resolve").click()
    curator.wait_for_load_state("networkidle")
    assert "Resolved the report on “Dr. Lucia Romero”" in curator.locator("body").inner_text()
    curator.set_viewport_size(DESKTOP)
    check_page(curator, "listing queue (desktop)")
