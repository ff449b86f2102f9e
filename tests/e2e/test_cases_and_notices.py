"""Messages and notices, and revocation explained, in two real browsers: Maya writes in
Mateo's case chat and Jordan's Cases page and nav badge move live; the guardian revokes
Jordan's consent: Jordan reads why, Maya reads that Jordan left the care team, and a
reload gives Jordan the case's stub page, not a 404."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page

pytestmark = [pytest.mark.e2e]

ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts"))


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"cases-{name}.png"), full_page=True)


def check_both(page, name: str) -> None:
    for size, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        check_page(page, f"{name} ({label})")
        shot(page, f"{name}-{label}")
    page.set_viewport_size(DESKTOP)


def _ids(group) -> dict:
    from cases.models import Case

    case = group.read(lambda db: Case.objects.using(db).get(child__first_name="Mateo"))
    return {"case": case.pk, "child": case.child_id}


def badge_count(page, name: str) -> int:
    return int(page.locator(f'[data-badge="{name}"]').first.get_attribute("data-count") or "0")


def test_unread_badge_moves_live_and_revocation_is_explained(live_server_factory, new_page):
    group = live_server_factory(processes=1)
    ids = _ids(group)
    maya, jordan = new_page(), new_page()
    for page, username in ((maya, "pediatrician"), (jordan, "educator")):
        page.set_viewport_size(DESKTOP)
        login(page, group.url, username)

    # Jordan watches the Cases page; the chat is one tap from it.
    jordan.goto(f"{group.url}/cases/")
    row = jordan.locator(f'.case-row[data-case-id="{ids["case"]}"]')
    expect(row).to_contain_text("Mateo")
    expect(row.get_by_role("link", name=re.compile("Open chat"))).to_be_visible()
    before = badge_count(jordan, "messages")
    # A badge at 0 is not shown at all (never a bare "0").
    for name in ("waiting", "notices", "messages"):
        if badge_count(jordan, name) == 0:
            expect(jordan.locator(f'[data-badge="{name}"]').first).to_be_hidden()
    check_both(jordan, "cases-page")

    # Maya goes from her Cases page straight into the chat and writes.
    maya.goto(f"{group.url}/cases/")
    maya.locator(f'.case-row[data-case-id="{ids["case"]}"]').get_by_role(
        "link", name=re.compile("Open chat")
    ).click()
    expect(maya.locator("[data-chat-status]")).to_have_text("Connected")
    maya.get_by_label("Message the care team").fill("Evaluation moved to Wednesday 10 am")
    maya.get_by_role("button", name="Send").click()

    # Without a reload: the nav badge and the case row move on Jordan's page.
    expected = before + 1
    label = f"{expected} unread message" + ("" if expected == 1 else "s")
    nav_badge = jordan.locator('[data-badge="messages"]').first
    expect(nav_badge).to_have_attribute("data-count", str(expected))
    expect(nav_badge.locator("[data-badge-label]")).to_have_text(label)
    expect(row).to_contain_text("Evaluation moved to Wednesday 10 am")
    expect(row).to_contain_text(label)
    shot(jordan, "cases-live-badge")

    # Both on the case page: Jordan reads (the badge drops), Maya watches the team.
    jordan.goto(f"{group.url}/cases/{ids['case']}/")
    expect(jordan.locator("[data-chat-status]")).to_have_text("Connected")
    expect(jordan.locator('[data-badge="messages"]').first).to_have_attribute("data-count", "0")
    maya.goto(f"{group.url}/cases/{ids['case']}/")
    expect(maya.locator("[data-chat-status]")).to_have_text("Connected")
    expect(maya.locator("#care-team")).to_contain_text("Jordan Ellis")

    # Mateo's guardian revokes Jordan's consent in the family portal.
    rosa = new_page()
    login(rosa, group.url, "guardian")
    rosa.goto(f"{group.url}/portal/children/{ids['child']}/")
    consent_card = rosa.locator("li.consent-card[data-status=active]").filter(has_text="Jordan Ellis")
    consent_card.get_by_role("link", name=re.compile("Revoke consent for Jordan Ellis")).first.click()
    rosa.get_by_role("button", name="Yes, revoke").click()
    expect(rosa.get_by_role("status")).to_contain_text("Consent revoked")

    # Jordan reads why, in plain words; Maya reads who left, and the team list updates.
    ended = jordan.locator("[data-chat-ended]")
    expect(ended).to_be_visible()
    expect(ended).to_contain_text(
        re.compile(r"The family changed their consent on .+2026, so you can no longer see this case\.")
    )
    expect(jordan.get_by_label("Message the care team")).to_be_disabled()
    check_both(jordan, "chat-access-ended")
    expect(maya.locator(".chat-system").last).to_contain_text("Jordan Ellis left the care team")
    expect(maya.locator("#care-team")).not_to_contain_text("Jordan Ellis")
    check_both(maya, "chat-member-left")

    # A reload is a stub with the reason, never a 404; the Cases page keeps it as a stub.
    response = jordan.reload()
    assert response is not None and response.status == 200
    expect(jordan.locator("[data-access-ended]")).to_contain_text("The family changed their consent on")
    expect(jordan.locator("main")).not_to_contain_text("Mateo")
    check_both(jordan, "case-stub")
    jordan.goto(f"{group.url}/cases/")
    expect(jordan.locator("#former-cases")).to_contain_text(f"Case #{ids['case']}")
    expect(jordan.locator("#case-list")).not_to_contain_text("Mateo")

    # The notice centre lists what happened to Maya's referrals, with a labelled badge.
    maya.goto(f"{group.url}/notices/")
    expect(maya.get_by_role("heading", name="Notices", level=1)).to_be_visible()
    expect(maya.locator(".notice").first).to_be_visible()
    check_both(maya, "notices")
