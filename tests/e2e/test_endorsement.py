"""One provider from an empty portfolio to an approved Infant Family Specialist
endorsement in a real browser: logs, an application, three references answering through
the links they were e-mailed (received by a real SMTP server), a curator assigning two reviewers who both approve, and
the public directory profile showing the endorsement."""

from __future__ import annotations

import datetime
import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page
from tests.mailserver import SmtpServer, free_port, subject_of, text_of, wait_for_mail

pytestmark = pytest.mark.e2e

ARTIFACTS = os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts")
os.makedirs(ARTIFACTS, exist_ok=True)


def mailed_links(smtp: SmtpServer, count: int) -> list[str]:
    """Reference links from the e-mails the SMTP server received, waiting for ``count``."""
    # The applicant's own notices are mailed too (e.g. "submitted"): read the reference requests.
    wait_for_mail(smtp, count)
    messages = [m for m in smtp.mailbox.messages if "/references/" in text_of(m)][:count]
    assert len(messages) == count
    assert all(subject_of(m).startswith("Reference request for Dr. Maya Chen") for m in messages)
    links = [re.search(r"(/references/[A-Za-z0-9_-]+/)", text_of(m)) for m in messages]
    assert all(links), "each e-mail carries its link"
    return [link.group(1) for link in links if link]


@pytest.fixture
def smtp():
    server = SmtpServer(free_port())
    server.up()
    yield server
    server.down()


def test_a_provider_is_endorsed_through_logs_references_and_two_reviewers(
    live_server_factory, new_page, smtp
):
    # Mail leaves through the outbox over SMTP to a real server in this process. No
    # worker runs beside the test server: its tasks run inline (eager), so the outbox
    # delivery kicked after each commit sends the e-mail at once.
    group = live_server_factory(processes=0)
    group.env.update(
        CELERY_TASK_ALWAYS_EAGER="1",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
    )
    group.start_process()
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

    # The portfolio: education and work history; a log entry corrected, a wrong one deleted.
    education = maya.locator("#education-form")
    education.get_by_label("Degree").fill("MD")
    education.get_by_label("Field of study").fill("Pediatrics")
    education.get_by_label("Institution").fill("University of Michigan")
    education.get_by_label("Completed on").fill("2010-05-15")
    education.get_by_role("button", name="Add education").click()
    expect(maya.get_by_text("Education added.")).to_be_visible()
    work = maya.locator("#work-form")
    work.get_by_label("Role").fill("Pediatrician")
    work.get_by_label("Employer").fill("Mott Children's Clinic")
    work.get_by_label("Started on").fill("2012-07-01")
    work.get_by_label("Infant/family focus").fill("Well-baby visits; developmental screening of infants.")
    work.get_by_role("button", name="Add position").click()
    expect(maya.get_by_text("Position added.")).to_be_visible()
    maya.get_by_role("link", name="Edit Reflective practice").click()
    check_page(maya, "edit training")
    maya.get_by_label("Title").fill("Reflective practice seminar")
    maya.get_by_role("button", name="Save").click()
    expect(maya.get_by_text("Saved.")).to_be_visible()
    expect(maya.locator("#training-h ~ table")).to_contain_text("Reflective practice seminar")
    form = maya.locator("#training-form")
    form.get_by_label("Title").fill("Typo entry")
    form.get_by_label("Completed on").fill(day)
    form.get_by_label("Hours").fill("1")
    form.get_by_role("button", name="Log training").click()
    maya.get_by_role("button", name="Delete Typo entry").click()
    expect(maya.get_by_text("Deleted.")).to_be_visible()
    expect(maya.get_by_text("Typo entry")).to_have_count(0)
    for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        maya.set_viewport_size(size)
        check_page(maya, f"portfolio {name}")
        maya.screenshot(path=f"{ARTIFACTS}/endorsement-portfolio-{name}.png", full_page=True)
    maya.set_viewport_size(DESKTOP)

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
    expect(maya.locator("[data-status]")).to_have_text("Submitted")
    maya.goto(base + "/endorsement/")
    expect(maya.locator("#training-h ~ table").get_by_text("Locked")).to_have_count(2)
    expect(maya.get_by_role("link", name="Edit IMH foundations")).to_have_count(0)
    maya.goto(application_url)

    for link in mailed_links(smtp, 3):
        reference = new_page()
        reference.goto(base + link)
        expect(reference.get_by_role("heading", level=1)).to_have_text("Reference for Dr. Maya Chen")
        reference.get_by_label("Reflection").select_option("5")
        reference.get_by_label("Working with others").select_option("4")
        reference.get_by_label("Yes, I recommend endorsement").check()
        reference.get_by_role("button", name="Send reference").click()
        expect(reference.get_by_role("heading", level=1)).to_have_text("Thank you")

    curator = new_page()
    login(curator, base, "curator")
    curator.goto(base + "/endorsement/curate/")
    curator.get_by_role("link", name="Dr. Maya Chen").click()
    curator.get_by_label("Renee Castillo").check()
    curator.get_by_label("Omar Haddad").check()
    curator.get_by_role("button", name="Assign").click()
    expect(curator.locator("[data-status]")).to_have_text("In review")

    for username in ("reviewer", "reviewer2"):
        reviewer = new_page()
        login(reviewer, base, username)
        reviewer.goto(base + "/endorsement/reviews/")
        reviewer.get_by_role("link", name=re.compile("Dr. Maya Chen")).click()
        expect(reviewer.locator("#applicant-education")).to_contain_text("University of Michigan")
        expect(reviewer.locator("#applicant-work")).to_contain_text("Mott Children's Clinic")
        if username == "reviewer":
            check_page(reviewer, "reviewer's application view")
            reviewer.screenshot(path=f"{ARTIFACTS}/endorsement-reviewer-application.png", full_page=True)
        reviewer.get_by_label("Decision").select_option("approve")
        reviewer.get_by_role("button", name="Record decision").click()
        expect(reviewer.get_by_text("Decision recorded.")).to_be_visible()

    maya.goto(application_url)
    expect(maya.locator("[data-status]")).to_have_text("Approved")
    credential = maya.locator("[data-credential]").inner_text()
    assert credential.startswith("MI-IFS-")

    family = new_page()
    family.goto(base + "/?q=Maya+Chen")
    family.get_by_role("link", name="Dr. Maya Chen").click()
    expect(family.get_by_text("Infant Family Specialist (IMH-E®)")).to_be_visible()
    family.goto(f"{base}/verify/?credential={credential}")
    expect(family.locator("[data-status]")).to_have_text("Verified")
