"""Needs met in a browser (issue 27): on a phone, the guardian answers "did this
referral help?" on the family's referrals page, is told beside the barriers what is
missing, saves, and the clinician sees the family's answer on the referral page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page

pytestmark = pytest.mark.e2e


def test_the_family_answers_on_a_phone_and_the_clinician_sees_it(live_server_module, new_page):
    base = live_server_module.url
    family = new_page()
    family.set_viewport_size(PHONE)
    login(family, base, "guardian")
    family.goto(f"{base}/portal/referrals/")
    form = family.locator('form[id^="needs-met-form-"]').first
    expect(form).to_be_visible()
    check_page(family, "family referrals (phone)")

    form.get_by_label("Partly met").check()
    form.get_by_role("button", name="Save my answer").click()
    refused = family.locator('form[id^="needs-met-form-"]').first
    expect(refused.locator('[data-field$="-barriers"]')).to_have_text(
        "Say what got in the way: choose at least one barrier."
    )
    check_page(family, "family referrals, refused (phone)")

    refused.get_by_label("Partly met").check()
    refused.get_by_label("Waitlist").check()
    refused.get_by_role("button", name="Save my answer").click()
    expect(family.locator('[id^="family-answer-"]').first).to_contain_text("Partly met")
    referral_id = family.locator('[id^="family-answer-"]').first.get_attribute("id").split("-")[-1]

    clinician = new_page()
    clinician.set_viewport_size(DESKTOP)
    login(clinician, base, "imh_clinician")
    clinician.goto(f"{base}/referrals/{referral_id}/")
    expect(clinician.locator("#referral-needs-met")).to_contain_text("Partly met")
    expect(clinician.locator("#referral-family-needs-met")).to_contain_text("Partly met")
    expect(clinician.locator("#referral-family-needs-met")).to_contain_text("Waitlist")
    check_page(clinician, "referral page with needs met")
