"""Issue 27, "Family next steps", in a real browser on a phone (390 px) in Spanish: Mateo's
guardian opens the referrals page, reads what the IMH clinician asked the family to do (the
demo's steps, in Spanish), and marks "bring the documents" done with a labelled button; the
page says so in a status region, the step reads "Hecho", and the page fits the phone and
passes axe. Screenshots: $E2E_ARTIFACTS/journeys/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from referrals.models import NextStep, Referral
from tests.e2e.conftest import login
from tests.e2e.pagecheck import PHONE, check_page

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts")) / "journeys"
BRING = "Traiga la tarjeta del seguro y la cartilla de vacunas de su hijo a la primera cita."


def test_family_marks_a_next_step_done_on_a_phone_in_spanish(new_page, live_server_module):
    base = live_server_module.url
    page = new_page()
    page.set_viewport_size(PHONE)
    login(page, base, "guardian")
    page.goto(f"{base}/portal/referrals/?lang=es")
    # The switcher makes Spanish the account's language, so the page after the form is too.
    page.locator("form.language-switch button[lang=es]").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/portal/referrals/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Lo que se le pide que haga")).to_be_visible()
    step = page.locator("li.step", has_text=BRING)
    expect(step).to_contain_text("Por hacer")
    check_page(page, "family next steps [phone, es]")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "next-steps-es-phone-before.png"), full_page=True)

    # The button's name says which step it marks (a screen reader hears the step's words).
    button = page.get_by_role("button", name=f"Marcar como hecho: {BRING}")
    expect(button).to_be_visible()
    button.click()
    page.wait_for_load_state("networkidle")

    expect(page.get_by_role("status")).to_contain_text(f"Marcado como hecho: {BRING}")
    step = page.locator("li.step", has_text=BRING)
    expect(step).to_contain_text("Hecho")
    expect(step.get_by_role("button", name=f"Marcar como no hecho: {BRING}")).to_be_visible()
    check_page(page, "family next steps done [phone, es]")
    page.screenshot(path=str(ARTIFACTS / "next-steps-es-phone-after.png"), full_page=True)
    # What the family recorded is what the providers read.
    done = live_server_module.read(lambda alias: NextStep.objects.using(alias).get(text_es=BRING).done_at)
    assert done is not None


def test_recipient_asks_the_family_for_a_step_from_the_referral_page_on_a_phone(new_page, live_server_module):
    """The IMH clinician adds "bring the ASQ booklet" from the referral page at 390 px; the
    form is labelled, fits the phone, passes axe, and the step is listed as to do."""
    base = live_server_module.url
    referral_id = live_server_module.read(
        lambda alias: (
            Referral.objects.using(alias)
            .get(to_provider__user__username="imh_clinician", status="scheduled")
            .pk
        )
    )
    page = new_page()
    page.set_viewport_size(PHONE)
    login(page, base, "imh_clinician")
    page.goto(f"{base}/referrals/{referral_id}/")
    form = page.get_by_role("form", name="Ask the family to do something")
    expect(form).to_be_visible()
    check_page(page, "referral page with next steps [phone, en]")
    form.get_by_label("Kind of step").select_option("general-information")
    form.get_by_label("What the family should do (English)").fill("Bring the ASQ booklet you filled in.")
    form.get_by_label("The same in Spanish (optional)").fill("Traiga el cuadernillo ASQ que llenó.")
    form.get_by_role("button", name="Add the step").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("status")).to_contain_text("Next step added for the family")
    expect(page.locator("#next-steps")).to_contain_text("Bring the ASQ booklet you filled in.")
    page.screenshot(path=str(ARTIFACTS / "next-steps-provider-phone.png"), full_page=True)
