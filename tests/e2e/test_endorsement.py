"""One provider from an empty portfolio to an approved Infant Family Specialist
endorsement in a real browser: logs, an application, three references answering through
the links they were e-mailed, a curator assigning two reviewers who both approve, and
the public directory profile showing the endorsement."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def mailed_links(group, count: int) -> list[str]:
    """Reference links from the server's console e-mail (its log), waiting for ``count``."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        text = "".join(p.read_text(errors="replace") for p in group.tmpdir.glob("daphne-*.log"))
        links = re.findall(r"(/references/[A-Za-z0-9_-]+/)", text)
        if len(links) >= count:
            return list(dict.fromkeys(links))
        time.sleep(0.3)
    raise AssertionError(f"expected {count} reference e-mails")


def test_a_provider_is_endorsed_through_logs_references_and_two_reviewers(live_server_factory, new_page):
    group = live_server_factory(processes=1)
    base = group.url
    day = (datetime.date.today() - datetime.timedelta(days=10)).isoformat()

    maya = new_page()
    login(maya, base, "pediatrician")
    maya.goto(base + "/endorsement/")
    for title, date in (
        ("IMH foundations", day),
        ("Reflective practice", (datetime.date.today() - datetime.timedelta(days=11)).isoformat()),
    ):
        form = maya.locator("#training-form")
        form.get_by_label("Title").fill(title)
        form.get_by_label("Completed on").fill(date)
        form.get_by_label("Hours").fill("15")
        form.get_by_label("Reflection").check()
        form.get_by_role("button", name="Log training").click()
        expect(maya.get_by_text("Training logged.")).to_be_visible()
    rsc = maya.locator("#rsc-form")
    rsc.get_by_label("Consultant").select_option(label="Dr. Lucia Romero")
    rsc.get_by_label("Started on").fill((datetime.date.today() - datetime.timedelta(days=300)).isoformat())
    rsc.get_by_label("Ended on").fill(day)
    rsc.get_by_label("Hours").fill("24")
    rsc.get_by_role("button", name="Log RSC").click()
    expect(maya.get_by_text("RSC logged.")).to_be_visible()

    maya.get_by_label("Apply for").select_option("infant_family_specialist")
    maya.get_by_role("button", name="Start application").click()
    expect(maya.get_by_role("heading", level=1)).to_contain_text("Infant Family Specialist")
    application_url = maya.url
    for i in range(3):
        maya.get_by_label("Reference name").fill(f"Reference {i}")
        maya.get_by_label("Reference e-mail").fill(f"ref{i}@example.test")
        maya.get_by_role("button", name="Ask reference").click()
        expect(maya.get_by_text(f"Reference {i} (ref{i}@example.test)")).to_be_visible()
    maya.get_by_label("I follow the code of ethics and have no sanctions").check()
    maya.get_by_role("button", name="Submit application").click()
    expect(maya.locator("[data-status]")).to_have_text("submitted")

    for link in mailed_links(group, 3):
        reference = new_page()
        reference.goto(base + link)
        expect(reference.get_by_role("heading", level=1)).to_have_text("Reference for Dr. Maya Chen")
        reference.get_by_label("Reflection").select_option("5")
        reference.get_by_label("Working with others").select_option("4")
        reference.get_by_role("button", name="Send reference").click()
        expect(reference.get_by_role("heading", level=1)).to_have_text("Thank you")

    curator = new_page()
    login(curator, base, "curator")
    curator.goto(base + "/endorsement/curate/")
    curator.get_by_role("link", name="Dr. Maya Chen").click()
    curator.get_by_label("Renee Castillo").check()
    curator.get_by_label("Omar Haddad").check()
    curator.get_by_role("button", name="Assign").click()
    expect(curator.locator("[data-status]")).to_have_text("in_review")

    for username in ("reviewer", "reviewer2"):
        reviewer = new_page()
        login(reviewer, base, username)
        reviewer.goto(base + "/endorsement/reviews/")
        reviewer.get_by_role("link", name=re.compile("Dr. Maya Chen")).click()
        reviewer.get_by_label("Decision").select_option("approve")
        reviewer.get_by_role("button", name="Record decision").click()
        expect(reviewer.get_by_text("Decision recorded.")).to_be_visible()

    maya.goto(application_url)
    expect(maya.locator("[data-status]")).to_have_text("approved")
    credential = maya.locator("[data-credential]").inner_text()
    assert credential.startswith("MI-IFS-")

    family = new_page()
    family.goto(base + "/?q=Maya+Chen")
    family.get_by_role("link", name="Dr. Maya Chen").click()
    expect(family.get_by_text("Infant Family Specialist (IMH-E®)")).to_be_visible()
    family.goto(f"{base}/verify/?credential={credential}")
    expect(family.locator("[data-status]")).to_have_text("verified")
