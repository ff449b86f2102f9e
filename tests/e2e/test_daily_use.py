"""Daily use in a real browser at 1280 px and 390 px, the browser in Chicago: a guardian
signs in from the login page (which links to family sign-up and password reset) and
lands on My family, the account taking the browser's zone; the SLP accepts, schedules
and reschedules a referral and reads every time in local time with the zone; an outsider
opening that referral by URL gets the app's 404 page, not Django's."""

from __future__ import annotations

import datetime
import os
import zoneinfo
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.pagecheck import DESKTOP, PHONE, check_page

pytestmark = pytest.mark.e2e

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts"))


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"daily-{name}.png"), full_page=True)


def _both_widths(page, where: str) -> None:
    page.set_viewport_size(DESKTOP)
    check_page(page, where)
    page.set_viewport_size(PHONE)
    check_page(page, where)
    _shot(page, where.replace(" ", "-"))
    page.set_viewport_size(DESKTOP)


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail").fill(username)
    page.get_by_label("Password").fill("demo-pass-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def _label(moment: datetime.datetime) -> str:
    """How the pages write a moment in Chicago: "15 Dec 2026, 10:00 AM CST"."""
    local = moment.astimezone(CHICAGO)
    hour = local.strftime("%I").lstrip("0")
    return f"{local.day} {local.strftime('%b %Y')}, {hour}:{local.strftime('%M %p %Z')}"


def test_sign_in_schedule_reschedule_in_local_time_and_the_outsiders_404(live_server_factory, browser):
    group = live_server_factory(processes=1)
    base = group.url

    def chicago_page():
        context = browser.new_context(timezone_id="America/Chicago", locale="en-US")
        context.set_default_timeout(15_000)
        return context, context.new_page()

    # --- a guardian signs in and lands on My family --------------------------------
    context, guardian = chicago_page()
    guardian.goto(f"{base}/accounts/login/")
    expect(guardian.get_by_role("link", name="Create a family account")).to_have_attribute(
        "href", "/accounts/register/"
    )
    expect(guardian.get_by_role("link", name="Forgot your password?")).to_be_visible()
    _both_widths(guardian, "login")
    _sign_in(guardian, base, "guardian")
    assert guardian.url == f"{base}/portal/"
    expect(guardian.locator("h1")).to_be_visible()
    _both_widths(guardian, "guardian home")
    # The browser's zone became the account's (set once, by the page's script).
    me = None
    for _ in range(40):
        me = guardian.evaluate("() => fetch('/api/v1/me/').then(r => r.json())")
        if me["time_zone"]:
            break
        guardian.wait_for_timeout(250)
    assert me["time_zone"] == "America/Chicago"
    context.close()

    # --- the SLP accepts, schedules and reschedules ---------------------------------
    context, slp = chicago_page()
    _sign_in(slp, base, "slp")
    assert slp.url == f"{base}/dashboard/"
    inbox = slp.evaluate(
        "() => fetch('/api/v1/referrals/?box=inbox&status=sent,received').then(r => r.json())"
    )
    referral_id = inbox["results"][0]["id"]
    slp.goto(f"{base}/referrals/{referral_id}/")
    slp.get_by_role("button", name="Accept").click()
    expect(slp.locator("#referral-status")).to_have_text("Accepted")

    today = datetime.datetime.now(CHICAGO)
    first = (today + datetime.timedelta(days=5)).replace(hour=10, minute=0, second=0, microsecond=0)
    field = slp.get_by_label("Appointment", exact=False)
    expect(slp.locator("label[for=appointment_at]")).to_contain_text("America/Chicago")
    field.fill(first.strftime("%Y-%m-%dT%H:%M"))
    slp.get_by_role("button", name="Schedule", exact=True).click()
    expect(slp.locator("#referral-status")).to_have_text("Scheduled")
    expect(slp.locator("#referral-appointment")).to_have_text(_label(first))
    _both_widths(slp, "referral scheduled")

    moved = (today + datetime.timedelta(days=6)).replace(hour=15, minute=30, second=0, microsecond=0)
    slp.get_by_label("New appointment", exact=False).fill(moved.strftime("%Y-%m-%dT%H:%M"))
    slp.get_by_label("Reason", exact=False).fill("The clinic is closed that morning.")
    slp.get_by_role("button", name="Reschedule", exact=True).click()
    expect(slp.locator(".messages")).to_contain_text(f"moved to {_label(moved)}")
    expect(slp.locator("#referral-appointment")).to_have_text(_label(moved))
    expect(slp.locator("#referral-status")).to_have_text("Scheduled")
    expect(slp.locator("#timeline li").last).to_contain_text(
        f"appointment moved from {_label(first)} to {_label(moved)}"
    )
    expect(slp.locator("#timeline li").last).to_contain_text("The clinic is closed that morning.")
    assert "UTC" not in slp.locator("main").inner_text()
    _both_widths(slp, "referral rescheduled")

    # A past time is refused on the page too, beside the field, which keeps what was
    # typed; the appointment stays.
    new_time = slp.get_by_label("New appointment", exact=False)
    new_time.evaluate("el => el.removeAttribute('min')")
    new_time.fill("2020-01-01T10:00")
    slp.get_by_role("button", name="Reschedule", exact=True).click()
    expect(slp.locator("#reschedule_at-error")).to_contain_text("in the past")
    expect(new_time).to_have_attribute("aria-invalid", "true")
    expect(new_time).to_have_attribute("aria-describedby", "reschedule_at-error")
    expect(new_time).to_have_value("2020-01-01T10:00")
    expect(slp.locator("#referral-appointment")).to_have_text(_label(moved))
    context.close()

    # --- an outsider opens the referral by URL ----------------------------------------
    context, outsider = chicago_page()
    _sign_in(outsider, base, "outsider")
    response = outsider.goto(f"{base}/referrals/{referral_id}/")
    assert response is not None and response.status == 404
    expect(outsider.locator("h1")).to_have_text("We cannot find that page")
    expect(outsider.get_by_role("link", name="Go to your start page")).to_be_visible()
    body = outsider.locator("body").inner_text()
    assert "URLconf" not in body and "DEBUG" not in body
    _both_widths(outsider, "outsider 404")
    response = outsider.goto(f"{base}/referrals/{referral_id}/accept/")
    assert response is not None and response.status == 405
    expect(outsider.locator("h1")).to_have_text("This address is for a button, not a link")
    context.close()
