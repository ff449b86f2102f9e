"""Journey (issue 25): a guardian revokes a provider's consent during a live chat.

Jordan Ellis (early childhood educator) and Dr. Maya Chen (pediatrician) chat on
Mateo's chat page. Rosa, Mateo's mother, revokes Jordan's consent in the family portal,
in English in one run and in Spanish in the other. Jordan's screen clears: every
message and Mateo's name leave the page (the DOM, not just the view) and a plain
sentence says why; a reload shows the access-ended page (403), never a bare 404. Maya
keeps chatting and reads that Jordan left the care team. Every page is checked (axe, and
the phone checks at 390 px) and kept as a screenshot at 1280 and 390 px under
``$E2E_ARTIFACTS/journeys/``; Jordan's and Maya's pages, in English in both runs, once."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page

pytestmark = [pytest.mark.e2e]

ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts")) / "journeys"

# The guardian's side in her language.
GUARDIAN = {
    "en": {
        "revoke": "Revoke consent for Jordan Ellis",
        "confirm": "Yes, revoke",
        "done": "Consent revoked",
    },
    "es": {
        "revoke": "Revocar el consentimiento para Jordan Ellis",
        "confirm": "Sí, revocar",
        "done": "Consentimiento revocado",
    },
}


# Jordan's and Maya's pages are in English in both runs, in the same states: each is
# checked and kept once a process, under the name it has here.
_CHECKED: set[str] = set()


def check_both(page, name: str, *, same_page: str | None = None) -> None:
    """The page at 1280 and 390 px: axe, the phone checks, a screenshot of each (once for
    a ``same_page``)."""
    if same_page is not None:
        if same_page in _CHECKED:
            return
        _CHECKED.add(same_page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for size, label in ((DESKTOP, "1280"), (PHONE, "390")):
        page.set_viewport_size(size)
        check_page(page, f"{name} ({label} px)")
        page.screenshot(path=str(ARTIFACTS / f"revoke-during-chat-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def _ids(group) -> dict:
    from cases.models import Case

    case = group.read(lambda db: Case.objects.using(db).get(child__first_name="Mateo"))
    return {"case": case.pk, "child": case.child_id}


def _in_dom(page, text: str) -> bool:
    """Whether ``text`` is anywhere in the document, shown or hidden."""
    return bool(page.evaluate("(t) => document.documentElement.outerHTML.includes(t)", text))


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_guardian_revokes_during_a_live_chat(live_server_factory, new_page, language):
    group = live_server_factory(processes=1)
    ids = _ids(group)
    chat_url = f"{group.url}/cases/{ids['case']}/chat/"
    jordan, maya = new_page(), new_page()
    for page, username in ((jordan, "educator"), (maya, "pediatrician")):
        page.set_viewport_size(DESKTOP)
        login(page, group.url, username)
        page.goto(chat_url)
        expect(page.locator("[data-chat-status]")).to_have_text("Connected")

    # The chat names the child; the demo conversation is on screen.
    expect(jordan.get_by_role("heading", level=1)).to_have_text(f"Mateo Rivera · Case #{ids['case']}")
    expect(jordan.locator(".chat-message").first).to_contain_text("18-month visit")
    expect(maya.locator("[data-chat-mention-names]")).to_contain_text("@Jordan Ellis")
    # Enter sends (Shift+Enter would start a new line).
    box = maya.get_by_label("Message the care team")
    box.fill("Jordan, can you send your classroom notes?")
    box.press("Enter")
    expect(jordan.locator(".chat-message").last).to_contain_text("classroom notes")
    check_both(jordan, f"{language}-member-chatting", same_page="chat, member")

    # Rosa, in her own browser and language, revokes Jordan's consent in the portal.
    rosa = new_page()
    rosa.set_viewport_size(DESKTOP)
    login(rosa, group.url, "guardian")
    rosa.goto(f"{group.url}/portal/")
    if language == "es":
        rosa.get_by_role("form", name="Language").get_by_role("button", name="Español").click()
        expect(rosa.locator("html")).to_have_attribute("lang", "es")
    words = GUARDIAN[language]
    rosa.goto(f"{group.url}/portal/children/{ids['child']}/")
    card = rosa.locator("li.consent-card[data-status=active]").filter(has_text="Jordan Ellis")
    card.get_by_role("link", name=re.compile(words["revoke"])).first.click()
    check_both(rosa, f"{language}-guardian-confirms")
    rosa.get_by_role("button", name=words["confirm"]).click()
    expect(rosa.get_by_role("status")).to_contain_text(words["done"])
    check_both(rosa, f"{language}-guardian-revoked")

    # Jordan's screen clears: the messages and Mateo's name leave the DOM; why, in plain words.
    ended = jordan.locator("[data-chat-ended]")
    expect(ended).to_be_visible()
    expect(ended).to_contain_text(
        re.compile(r"The family changed their consent on .+, so you can no longer see this case\.")
    )
    expect(jordan.locator(".chat-message")).to_have_count(0)
    assert not _in_dom(jordan, "18-month visit") and not _in_dom(jordan, "classroom notes")
    assert not _in_dom(jordan, "Mateo")
    expect(jordan.get_by_label("Message the care team")).to_be_disabled()
    check_both(jordan, f"{language}-member-access-ended", same_page="chat, access ended")

    # A reload is the access-ended page, with a 403, never a bare 404.
    response = jordan.reload()
    assert response is not None and response.status == 403
    expect(jordan.locator("[data-access-ended]")).to_contain_text("The family changed their consent on")
    expect(jordan.get_by_role("link", name="Back to your cases")).to_be_visible()
    assert not _in_dom(jordan, "Mateo")
    check_both(jordan, f"{language}-member-reloads", same_page="access-ended page")

    # The remaining team is told in the chat, and keeps chatting without Jordan.
    expect(maya.locator(".chat-system").last).to_contain_text("Jordan Ellis left the care team")
    expect(maya.locator("[data-mention-name='Jordan Ellis']")).to_have_count(0)
    box.fill("Thanks, everyone.")
    box.press("Enter")
    expect(maya.locator(".chat-message").last).to_contain_text("Thanks, everyone.")
    check_both(maya, f"{language}-team-told", same_page="chat, team told")
