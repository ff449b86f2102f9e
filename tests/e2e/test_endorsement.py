"""One provider from an empty portfolio to an approved Infant Family Specialist
endorsement in a real browser: logs, an application, three references answering through
the links they were e-mailed (received by a real SMTP server), a curator assigning two reviewers who both approve, and
the public directory profile showing the endorsement."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.mailserver import SmtpServer, free_port, subject_of, text_of, wait_for_mail

pytestmark = pytest.mark.e2e


def mailed_links(smtp: SmtpServer, count: int) -> list[str]:
    """Reference links from the e-mails the SMTP server received, waiting for ``count``."""
    messages = wait_for_mail(smtp, count)
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

    for link in mailed_links(smtp, 3):
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
