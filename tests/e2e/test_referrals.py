"""The closed loop in two browsers: the pediatrician refers Mateo to the IMH clinician
with an ASQ:SE-2 result; the clinician's dashboard shows it arrive without reloading; the
clinician accepts, schedules and completes; the pediatrician sees the outcome appear."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def expect_status(page, text: str) -> None:
    """The referral page shows ``text`` as its status (generous timeout: CI machines are
    busy); on failure, say what the page shows instead (e.g. an error message)."""
    try:
        expect(page.locator("#referral-status")).to_have_text(text, timeout=20_000)
    except AssertionError as exc:
        raise AssertionError(
            f"expected {text!r}; page shows: {page.locator('main').inner_text()[:600]}"
        ) from exc


def test_pediatrician_refers_and_the_clinician_closes_the_loop(live_server_factory, new_page):
    group = live_server_factory(processes=1)
    maya, lucia = new_page(), new_page()
    login(maya, group.url, "pediatrician")
    login(lucia, group.url, "imh_clinician")

    lucia.goto(f"{group.url}/dashboard/")
    waiting = lucia.locator('[data-count="waiting_for_you"]')
    before = int(waiting.inner_text())

    maya.goto(f"{group.url}/referrals/new/")
    expect(maya.get_by_label("Child")).to_contain_text("Mateo Rivera")
    maya.get_by_label("Search the directory").fill("Romero")
    expect(maya.locator("#to_provider optgroup option")).to_have_count(1)
    expect(maya.locator("#to_provider option:checked")).to_contain_text("Dr. Lucia Romero")
    maya.get_by_label("Reason for referral").fill("ASQ:SE-2 above the cutoff; sleep and separation worries.")
    maya.get_by_label("Concern").select_option("social_emotional")
    maya.get_by_label("Instrument").select_option(label="ASQ:SE-2")
    maya.get_by_label("Administered on").fill(datetime.date.today().isoformat())
    maya.get_by_label("Questionnaire interval (months)").fill("18")
    maya.get_by_label("Total score").fill("500")
    expect(maya.locator("#screening-feedback")).to_have_text("Total score must be between 0 and 400.")
    maya.get_by_label("Total score").fill("70")
    expect(maya.locator("#screening-feedback")).to_have_text("Result: Above cutoff (refer)")
    maya.get_by_role("button", name="Send referral").click()
    expect(maya.locator("h1")).to_contain_text("Referral #")
    referral_id = re.search(r"/referrals/(\d+)/", maya.url).group(1)
    expect_status(maya, "Sent")

    # The clinician's dashboard updates by itself (notification socket + live regions).
    row = lucia.locator(f'#inbox tr[data-referral-id="{referral_id}"]')
    expect(row).to_be_visible(timeout=20_000)
    expect(waiting).to_have_text(str(before + 1), timeout=20_000)

    row.get_by_role("link", name=f"#{referral_id}").click()
    expect_status(lucia, "Received")
    expect(lucia.get_by_text("Above cutoff (refer)")).to_be_visible()
    # The referrer's open page follows along without reloading.
    expect_status(maya, "Received")

    lucia.get_by_role("button", name="Accept").click()
    expect_status(lucia, "Accepted")
    # The page reads the time in the reader's zone (labelled next to the field).
    appointment = datetime.date.today() + datetime.timedelta(days=9)
    lucia.get_by_label("Appointment", exact=False).fill(f"{appointment.isoformat()}T10:00")
    lucia.get_by_role("button", name="Schedule").click()
    expect_status(lucia, "Scheduled")
    lucia.get_by_label("Outcome").select_option("connected")
    lucia.get_by_label("Note to the referrer").fill("Family started child-parent psychotherapy.")
    lucia.get_by_role("button", name="Complete").click()
    expect_status(lucia, "Completed")

    expect_status(maya, "Completed")
    expect(maya.locator("#referral-outcome")).to_have_text(
        "Connected to services: Family started child-parent psychotherapy.", timeout=20_000
    )
    timeline = maya.locator("#timeline li")
    expect(timeline).to_have_count(5)
