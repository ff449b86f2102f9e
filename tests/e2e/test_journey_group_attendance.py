"""Journey for providers (issue 28, "Done means"): a clinician attends four sessions of a
reflective supervision group; the portfolio shows four entries from attendance and the
rules count them.

The facilitator (``reviewer``, an Infant Mental Health Mentor who may give RSC)
publishes the group on the page, weekly, its first session five weeks ago; the clinician
(``renewing``, Taylor Brooks, whose Infant Family Specialist endorsement is due for
renewal: 12 RSC hours this year, 7 logged) and a colleague (``educator``) hold places.
The facilitator takes attendance on the roster page for four past sessions (the
colleague misses two, and a wrong tick is corrected), then the clinician opens the
endorsement portfolio: four RSC entries from attendance (1.5 hours each, group, locked),
and the renewal's "RSC hours this year" goes from 7 to 13 of 12: met.

Screenshots of the roster page at 1280 and 390 px go to $E2E_ARTIFACTS/journeys/ and
/tmp/; every page passes check_page (axe, and the phone layout at 390 px)."""

from __future__ import annotations

import datetime
import os
import shutil

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page

pytestmark = pytest.mark.e2e

ARTIFACTS = os.path.join(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts"), "journeys")
os.makedirs(ARTIFACTS, exist_ok=True)
GROUP = "Reflective supervision circle"


def shoot(page: Page, name: str) -> None:
    """check_page and a full-page screenshot at 1280 and 390 px."""
    for size, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        check_page(page, f"{name} ({label})")
        path = f"{ARTIFACTS}/groups-{name}-{label}.png"
        page.screenshot(path=path, full_page=True)
        shutil.copy(path, f"/tmp/groups-{name}-{label}.png")
    page.set_viewport_size(DESKTOP)


def _register(alias: str, group_name: str, usernames: list[str]) -> int:
    """The two providers' places (the public registration is the other side's)."""
    from directory.models import Provider
    from groups.models import Group, Registration

    group = Group.objects.using(alias).get(name=group_name)
    for username in usernames:
        provider = Provider.objects.using(alias).select_related("user").get(user__username=username)
        Registration.objects.using(alias).create(
            group=group,
            user=provider.user,
            provider=provider,
            name=provider.name,
            email=provider.user.email,
            language="en",
        )
    return group.pk


def test_a_clinician_attends_four_sessions_and_the_portfolio_counts_them(live_server_factory, new_page):
    servers = live_server_factory(processes=1)
    base = servers.url
    # Six weekly sessions so far whatever the hour: the last one was yesterday.
    first = datetime.date.today() - datetime.timedelta(days=36)

    # 1. The facilitator publishes the group on the page.
    host = new_page()
    host.set_viewport_size(DESKTOP)
    login(host, base, "reviewer")
    host.get_by_role("link", name="My groups").click()
    host.get_by_role("link", name="Publish a group or event").click()
    shoot(host, "new-group-form")
    host.get_by_label("Name", exact=True).fill(GROUP)
    host.get_by_label("Kind").select_option("reflective_supervision_group")
    host.get_by_label("Reflection", exact=True).check()
    host.get_by_label("Thinking", exact=True).check()
    host.get_by_label("Location").select_option("")
    host.get_by_label("Meets by video", exact=True).check()
    host.get_by_label("Video link (sent to registered people only)").fill("https://meet.example.org/rsc")
    host.get_by_label("Places", exact=True).fill("6")
    host.get_by_label("Date of the first session").fill(first.isoformat())
    host.get_by_label("Start time").fill("09:00")
    host.get_by_label("Length of a session (minutes)").fill("90")
    host.get_by_label("Every week", exact=True).check()
    host.get_by_label("Number of sessions", exact=True).fill("10")
    host.get_by_role("button", name="Publish the group").click()
    host.wait_for_load_state("networkidle")
    expect(host.get_by_role("heading", level=1)).to_have_text(GROUP)
    expect(host.locator(".messages")).to_contain_text(f"Group published: {GROUP}.")

    group_id = servers.read(lambda alias: _register(alias, GROUP, ["renewing", "educator"]))
    portfolio = new_page()
    portfolio.set_viewport_size(DESKTOP)
    login(portfolio, base, "renewing")
    portfolio.goto(base + "/endorsement/")
    rsc_hours = portfolio.locator('tr[data-rule="rsc_hours"]').first
    expect(rsc_hours).to_contain_text("7 / 12")

    # 2. Attendance for the four sessions so far before this week's.
    host.goto(f"{base}/groups/host/{group_id}/roster/")
    sessions = host.locator("form.session")
    expect(sessions).to_have_count(6)  # 36 days ago ... yesterday, newest first
    clinician = servers.read(lambda alias: _name(alias, "renewing"))
    colleague = servers.read(lambda alias: _name(alias, "educator"))
    for week in range(4):  # the four oldest sessions
        form = host.locator("form.session").nth(5 - week)
        form.get_by_label(clinician).check()
        if week in (0, 2):
            form.get_by_label(colleague).check()
        form.get_by_role("button", name="Save attendance").click()
        host.wait_for_load_state("networkidle")
        expect(host.locator(".messages")).to_contain_text("Attendance saved:")
    # A wrong tick, corrected: the colleague did not come to the third session after all.
    third = host.locator("form.session").nth(3)
    third.get_by_label(colleague).uncheck()
    third.get_by_role("button", name="Save attendance").click()
    host.wait_for_load_state("networkidle")
    expect(host.locator("form.session").nth(3)).to_contain_text("Taken: 1 of 2 present.")
    expect(host.locator("form.session").nth(5)).to_contain_text("Taken: 2 of 2 present.")
    shoot(host, "roster")

    # 3. The clinician's portfolio: four RSC entries from attendance, counted by the rules.
    portfolio.goto(base + "/endorsement/")
    from_attendance = portfolio.locator('#rsc-h ~ table tr:has(td[data-source="attendance"])')
    expect(from_attendance).to_have_count(4)
    for row in from_attendance.all():
        expect(row).to_contain_text(f"From attendance: {GROUP}")
        expect(row).to_contain_text("1.50 (Group)")
        expect(row).to_contain_text(servers.read(lambda alias: _name(alias, "reviewer")))
        expect(row.get_by_role("button", name="Delete")).to_have_count(0)
    expect(rsc_hours).to_contain_text("13 / 12")
    expect(rsc_hours).to_contain_text("met")
    shoot(portfolio, "portfolio")


def _name(alias: str, username: str) -> str:
    from directory.models import Provider

    return Provider.objects.using(alias).get(user__username=username).name
