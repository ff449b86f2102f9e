"""Two providers chat on Mateo's case page in two browsers; the guardian revokes one
provider's consent and that provider's chat ends with a clear notice."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

# Redis: the chat runs over the real channel layer the deployment uses.
pytestmark = [pytest.mark.e2e, pytest.mark.services]


def _case_and_consent(group, username: str) -> dict:
    from cases.models import Case
    from consent.models import Consent

    def ids(db: str) -> dict:
        case = Case.objects.using(db).get(child__first_name="Mateo")
        consent = (
            Consent.objects.using(db)
            .active()
            .get(child_id=case.child_id, recipient_provider__user__username=username)
        )
        return {"case": case.pk, "child": case.child_id, "consent": consent.pk}

    return group.read(ids)


def test_two_providers_chat_live_and_revocation_ends_the_chat_with_a_notice(live_server_factory, new_page):
    group = live_server_factory(processes=1, redis=True)
    ids = _case_and_consent(group, "educator")
    maya, jordan = new_page(), new_page()
    for page, username in ((maya, "pediatrician"), (jordan, "educator")):
        login(page, group.url, username)
        page.goto(f"{group.url}/cases/{ids['case']}/")
        expect(page.locator("[data-chat-status]")).to_have_text("Connected")
    # History is there (the demo conversation), rendered as text.
    expect(jordan.locator(".chat-message").first).to_contain_text("18-month visit")

    maya.get_by_label("Message the care team").press_sequentially("Eval moved to <Wed>")
    expect(jordan.locator("[data-chat-typing]")).to_have_text("Dr. Maya Chen is typing…")
    maya.get_by_role("button", name="Send").click()
    expect(jordan.locator(".chat-message").last).to_contain_text("Eval moved to <Wed>")
    expect(jordan.locator(".chat-message").last).to_contain_text("Dr. Maya Chen")

    # Sam's network blocks WebSockets: the panel falls back to REST (polling + POST).
    sam = new_page()
    sam.route_web_socket("**/ws/cases/**", lambda ws: ws.close(code=1006))
    login(sam, group.url, "slp")
    sam.goto(f"{group.url}/cases/{ids['case']}/")
    expect(sam.locator("[data-chat-status]")).to_contain_text("Live updates unavailable")
    expect(sam.locator(".chat-message").last).to_contain_text("Eval moved to <Wed>")
    sam.get_by_label("Message the care team").fill("Sent over the REST fallback")
    sam.get_by_role("button", name="Send").click()
    expect(maya.locator(".chat-message").last).to_contain_text("Sent over the REST fallback")

    # Mateo's guardian, in her own browser, revokes Jordan's consent in the family portal.
    rosa = new_page()
    login(rosa, group.url, "guardian")
    rosa.goto(f"{group.url}/portal/children/{ids['child']}/")
    row = rosa.get_by_role("listitem").filter(has_text="Jordan Ellis").filter(has_text="Active")
    row.get_by_role("link", name=re.compile("Revoke consent for Jordan Ellis")).click()
    rosa.get_by_role("button", name="Yes, revoke").click()
    expect(rosa.get_by_role("status")).to_contain_text("Consent revoked")
    expect(jordan.locator("[data-chat-ended]")).to_be_visible()
    expect(jordan.locator("[data-chat-ended]")).to_contain_text(
        re.compile(r"The family changed their consent on .+, so you can no longer see this case\.")
    )
    expect(jordan.get_by_label("Message the care team")).to_be_disabled()
    # Jordan's screen is cleared (issue 25): no message is left in the page.
    expect(jordan.locator(".chat-message")).to_have_count(0)
    # Maya keeps chatting; nothing more reaches Jordan.
    maya.get_by_label("Message the care team").fill("After the revocation")
    maya.get_by_role("button", name="Send").click()
    expect(maya.locator(".chat-message").last).to_contain_text("After the revocation")
    jordan.wait_for_timeout(1000)
    expect(jordan.locator(".chat-message")).to_have_count(0)
    assert "After the revocation" not in jordan.content()
