"""Journey (issue 25): an applicant applies, three references answer (one says "No"),
a curator assigns two reviewers who each read every answer, both approve, the second
after being told their review is awaited, each with a written justification for
overruling the "No". Every person is told at each step on the notice page and by an
e-mail a real SMTP server receives. Then the guard on the record: a revoked
endorsement is verified again only with a reason and a confirmation, and the reason
shows in its history.

Screenshots at 1280 and 390 px go to $E2E_ARTIFACTS/journeys/; every page passes
check_page (axe, and the phone layout at 390 px)."""

from __future__ import annotations

import datetime
import os
import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page
from tests.mailserver import SmtpServer, free_port, subject_of, text_of

pytestmark = pytest.mark.e2e

ARTIFACTS = os.path.join(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts"), "journeys")
os.makedirs(ARTIFACTS, exist_ok=True)

NO_COMMENT = "Missed most reflective supervision sessions; I cannot recommend yet."


@pytest.fixture
def smtp():
    server = SmtpServer(free_port())
    server.up()
    yield server
    server.down()


def mail_to(smtp: SmtpServer, address: str, subject: str, timeout: float = 20) -> str:
    """The body of the first e-mail to ``address`` whose subject holds ``subject``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in smtp.mailbox.messages:
            if address in (message["To"] or "") and subject in subject_of(message):
                return text_of(message)
        time.sleep(0.2)
    got = [(m["To"], subject_of(m)) for m in smtp.mailbox.messages]
    raise AssertionError(f"no e-mail to {address} about {subject!r}; got {got}")


def shoot(page: Page, name: str) -> None:
    """check_page and a screenshot at 1280 and 390 px."""
    for size, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        check_page(page, f"{name} ({label})")
        page.screenshot(path=f"{ARTIFACTS}/endorsement-{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def notice(page: Page, base: str, text: str) -> None:
    page.goto(base + "/notices/")
    expect(page.locator(".notice-title").filter(has_text=text).first).to_be_visible()


def test_an_applicant_is_endorsed_over_a_no_with_everyone_told_and_the_record_guarded(
    live_server_factory, new_page, smtp
):
    group = live_server_factory(processes=0)
    group.env.update(
        CELERY_TASK_ALWAYS_EAGER="1",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
    )
    group.start_process()
    base = group.url
    today = datetime.date.today()

    # --- the applicant logs the hours, applies, asks three references, submits ---------
    maya = new_page()
    login(maya, base, "pediatrician")
    maya.goto(base + "/endorsement/")
    for title, days in (("IMH foundations", 10), ("Reflective practice", 11)):
        form = maya.locator("#training-form")
        form.get_by_label("Title").fill(title)
        form.get_by_label("Completed on").fill((today - datetime.timedelta(days=days)).isoformat())
        form.get_by_label("Hours").fill("15")
        form.get_by_label("Reflection").check()
        form.get_by_role("button", name="Log training").click()
        expect(maya.get_by_text("Training logged.")).to_be_visible()
    rsc = maya.locator("#rsc-form")
    rsc.get_by_label("Consultant").select_option(label="Dr. Lucia Romero")
    rsc.get_by_label("Started on").fill((today - datetime.timedelta(days=300)).isoformat())
    rsc.get_by_label("Ended on").fill((today - datetime.timedelta(days=10)).isoformat())
    rsc.get_by_label("Hours").fill("24")
    rsc.get_by_role("button", name="Log RSC").click()
    expect(maya.get_by_text("RSC logged.")).to_be_visible()
    maya.get_by_label("Apply for").select_option("infant_family_specialist")
    maya.get_by_role("button", name="Start application").click()
    application_url = maya.url
    number = int(re.search(r"/applications/(\d+)/", application_url).group(1))
    for i in range(3):
        maya.get_by_label("Reference name").fill(f"Reference {i}")
        maya.get_by_label("Reference e-mail").fill(f"ref{i}@example.test")
        maya.get_by_role("button", name="Ask reference").click()
        expect(maya.get_by_text(f"Reference {i} (ref{i}@example.test)")).to_be_visible()
    maya.get_by_label("I follow the code of ethics and have no sanctions").check()
    maya.get_by_role("button", name="Submit application").click()
    expect(maya.locator("[data-status]")).to_have_text("Submitted")
    notice(maya, base, "was submitted")
    assert f"/endorsement/applications/{number}/" in mail_to(smtp, "pediatrician@", "was submitted")

    # --- the references answer; one says "No" -----------------------------------------
    answers = [
        ("Yes, I recommend endorsement", "Warm and steady with families."),
        ("Yes, with reservations", "Strong clinically; new to group work."),
        ("No, I do not recommend endorsement", NO_COMMENT),
    ]
    for i, (answer, comments) in enumerate(answers):
        body = mail_to(smtp, f"ref{i}@example.test", "Reference request")
        link = re.search(r"(/references/[A-Za-z0-9_-]+/)", body).group(1)
        reference = new_page()
        reference.goto(base + link)
        reference.get_by_label("Reflection").select_option(str(5 - i))
        reference.get_by_label(answer).check()
        reference.get_by_label("Comments").fill(comments)
        if i == 2:
            shoot(reference, "reference-form")
        reference.get_by_role("button", name="Send reference").click()
        expect(reference.get_by_role("heading", level=1)).to_have_text("Thank you")
    notice(maya, base, "A reference answered")
    mail_to(smtp, "pediatrician@", "A reference answered")
    # The applicant does not read what the references said on her notice or e-mail.
    assert NO_COMMENT not in maya.content()
    shoot(maya, "applicant-notices")

    # --- a curator assigns two reviewers ------------------------------------------------
    curator = new_page()
    login(curator, base, "curator")
    curator.get_by_role("link", name="Endorsement applications").click()
    curator.get_by_role("link", name="Dr. Maya Chen").click()
    expect(curator.locator("#reference-said-no")).to_be_visible()
    curator.get_by_label("Renee Castillo").check()
    curator.get_by_label("Omar Haddad").check()
    curator.get_by_role("button", name="Assign").click()
    expect(curator.locator("[data-status]")).to_have_text("In review")

    # --- each reviewer is told, reads every answer, and justifies approving ------------
    for username, step in (("reviewer", "first"), ("reviewer2", "second")):
        reviewer = new_page()
        login(reviewer, base, username)
        mail_to(smtp, f"{username}@", f"review application #{number}")
        notice(reviewer, base, f"review application #{number}")
        if step == "second":
            expect(reviewer.locator(".notice-title").filter(has_text="your review is needed")).to_be_visible()
            mail_to(smtp, f"{username}@", "your review is needed")
        reviewer.locator(".notice-title a").filter(has_text=f"application #{number}").first.click()
        expect(reviewer).to_have_url(re.compile(f"/endorsement/applications/{number}/"))
        expect(reviewer.locator("#reference-said-no")).to_contain_text("does not recommend")
        references = reviewer.locator("ul.references")
        for answer, comments in answers:
            expect(references).to_contain_text(answer)
            expect(references).to_contain_text(comments)
        expect(reviewer.locator("li.reference-no")).to_contain_text(NO_COMMENT)
        reviewer.get_by_label("Decision").select_option("approve")
        reviewer.get_by_label("Feedback").fill("Solid portfolio.")
        if step == "first":
            shoot(reviewer, "reviewer-sees-every-answer")
            reviewer.get_by_role("button", name="Record decision").click()
            expect(reviewer.locator("#review-error")).to_contain_text("does not recommend")
            expect(reviewer.get_by_label("Feedback")).to_have_value("Solid portfolio.")
            shoot(reviewer, "reviewer-justification-needed")
        reviewer.get_by_label(re.compile("Justification")).fill(
            "Supervision gaps were during a documented leave; the record since is complete."
        )
        reviewer.get_by_role("button", name="Record decision").click()
        expect(reviewer.get_by_text("Decision recorded.")).to_be_visible()

    # --- the applicant is told of the decision ------------------------------------------
    maya.goto(application_url)
    expect(maya.locator("[data-status]")).to_have_text("Approved")
    notice(maya, base, "was approved")
    assert f"/endorsement/applications/{number}/" in mail_to(smtp, "pediatrician@", "was approved")
    shoot(maya, "applicant-approved")
    curator.goto(application_url)
    expect(curator.locator("[data-justification]").first).to_contain_text("documented leave")

    # --- the guard: a revoked endorsement is verified again only with a reason ----------
    curator.get_by_role("link", name="Verify endorsements").click()
    curator.goto(base + "/curate/?status=revoked")
    row = curator.locator("tr").filter(has_text="MI-ECMH-0099")
    row.get_by_role("link", name=re.compile("Verify the revoked endorsement")).click()
    expect(curator.get_by_role("heading", level=1)).to_have_text("Verify a revoked endorsement again")
    curator.get_by_label("Reason (required)").fill("Sanction lifted on appeal (letter of 2026-11-30).")
    curator.get_by_role("button", name="Verify it again").click()  # the confirmation is missing
    expect(curator.get_by_label("Reason (required)")).to_have_value(
        "Sanction lifted on appeal (letter of 2026-11-30)."
    )
    shoot(curator, "reverify-needs-confirmation")
    curator.get_by_label(re.compile("I have checked with the issuing association")).check()
    curator.get_by_role("button", name="Verify it again").click()
    expect(curator.get_by_text("Verified again")).to_be_visible()
    curator.goto(base + "/curate/?status=verified")
    expect(curator.locator("tr").filter(has_text="MI-ECMH-0099")).to_contain_text(
        "(Revoked → Verified): “Sanction lifted on appeal (letter of 2026-11-30).”"
    )
    shoot(curator, "reverified-history")
