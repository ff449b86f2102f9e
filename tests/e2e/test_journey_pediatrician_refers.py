"""Journey (issue 25): a pediatrician refers a child → the family is told at each step it
should know → the recipient accepts, schedules and completes → the outcome comes back to
both the pediatrician and the family. In English and with a Spanish-speaking family.

Three browsers on one demo server: Dr. Maya Chen (``pediatrician``), Dr. Lucia Romero
(``imh_clinician``) and Rosa Rivera (``guardian``, Mateo's mother). The e-mails leave
through the outbox to a real SMTP server in this process; each one to the family must
say only that there is news, with a link: never Mateo's name, the reason, the time or
the outcome. Screenshots at 1280 and 390 px go to ``$E2E_ARTIFACTS/journeys/``."""

from __future__ import annotations

import datetime
import os
import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page
from tests.mailserver import SmtpServer, free_port, subject_of, text_of

pytestmark = pytest.mark.e2e

ARTIFACTS = os.path.join(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts"), "journeys")
os.makedirs(ARTIFACTS, exist_ok=True)
FAMILY_ADDRESS = "guardian@demo.invalid"
REASON = "Zebrafinch: ASQ:SE-2 above the cutoff, sleep and separation worries."

# What Rosa reads at each step, in her language.
WORDS = {
    "en": {
        "sent": "Your child was referred for more support",
        "accepted": "was accepted. The provider will contact you to set up a first appointment.",
        "scheduled": "A first appointment is set for referral",
        "completed": "is complete: your child is connected to the services.",
        "subject": "News about a referral for your child",
        "portal_status": "Completed",
        "portal_outcome": "Connected to services",
    },
    "es": {
        "sent": "Su hijo o hija fue remitido para recibir más apoyo",
        "accepted": "fue aceptada. El profesional se comunicará con usted para fijar una primera cita.",
        "scheduled": "Hay una primera cita para la remisión",
        "completed": "está completa: su hijo o hija ya está conectado con los servicios.",
        "subject": "Novedades sobre una remisión para su hijo o hija",
        "portal_status": "Completada",
        "portal_outcome": "Conectado con servicios",
    },
}


@pytest.fixture
def smtp():
    server = SmtpServer(free_port())
    server.up()
    yield server
    server.down()


def family_mail(smtp: SmtpServer, count: int, timeout: float = 30) -> list:
    """The first ``count`` e-mails the SMTP server received for the family."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mails = [m for m in smtp.mailbox.messages if FAMILY_ADDRESS in str(m["To"])]
        if len(mails) >= count:
            return mails
        time.sleep(0.2)
    raise AssertionError(f"expected {count} e-mails to the family, got {len(mails)}")


# Dr. Chen's notices are in English in both runs, in the same state: checked and kept once
# a process.
_CHECKED: set[str] = set()


def shoot(page, name: str, *, same_page: str | None = None) -> None:
    """Check the page (axe, nothing wider than a phone) at both sizes and keep both (once
    for a ``same_page``)."""
    if same_page is not None:
        if same_page in _CHECKED:
            return
        _CHECKED.add(same_page)
    for size, label in ((DESKTOP, "1280"), (PHONE, "390")):
        page.set_viewport_size(size)
        check_page(page, f"{name} at {label}px")
        page.screenshot(path=f"{ARTIFACTS}/{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def family_reads(page, base: str, text: str, name: str) -> None:
    """Rosa opens her notices and finds ``text``; the page is checked and kept."""
    page.goto(f"{base}/notices/")
    expect(page.locator("main")).to_contain_text(text, timeout=20_000)
    shoot(page, name)


def expect_status(page, text: str) -> None:
    expect(page.locator("#referral-status")).to_have_text(text, timeout=20_000)


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_pediatrician_refers_and_the_family_hears_each_step(language, live_server_factory, new_page, smtp):
    group = live_server_factory(processes=0)
    group.env.update(
        CELERY_TASK_ALWAYS_EAGER="1",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
    )
    group.start_process()
    base = group.url
    words = WORDS[language]
    maya, lucia, rosa = new_page(), new_page(), new_page()
    login(maya, base, "pediatrician")
    login(lucia, base, "imh_clinician")
    login(rosa, base, "guardian")

    # Rosa reads in her language; referral e-mails stay on (the default).
    rosa.goto(f"{base}/accounts/settings/")
    rosa.locator("#id_preferred_language").select_option(language)
    rosa.get_by_role("button", name="Save").click()
    rosa.wait_for_load_state("networkidle")
    expect(rosa.locator("input[name=referral_emails]")).to_be_checked()
    already = len(family_mail(smtp, 0))

    # 1. Dr. Chen refers Mateo to Dr. Romero.
    maya.goto(f"{base}/referrals/new/")
    expect(maya.get_by_label("Child")).to_contain_text("Mateo Rivera")
    maya.get_by_label("Search the directory").fill("Romero")
    expect(maya.locator("#to_provider option:checked")).to_contain_text("Dr. Lucia Romero")
    maya.get_by_label("Reason for referral").fill(REASON)
    maya.get_by_label("Concern").select_option("social_emotional")
    maya.get_by_role("button", name="Send referral").click()
    expect(maya.locator("h1")).to_contain_text("Referral #")
    referral_id = re.search(r"/referrals/(\d+)/", maya.url).group(1)
    family_reads(rosa, base, words["sent"], f"pediatrician-refers-{language}-1-made")

    # 2. Dr. Romero opens it (nothing for the family) and accepts.
    lucia.goto(f"{base}/referrals/{referral_id}/")
    expect_status(lucia, "Received")
    lucia.get_by_role("button", name="Accept").click()
    expect_status(lucia, "Accepted")
    family_reads(rosa, base, words["accepted"], f"pediatrician-refers-{language}-2-accepted")

    # 3. She schedules the first appointment: Rosa reads the time.
    appointment = datetime.date.today() + datetime.timedelta(days=9)
    lucia.get_by_label("Appointment", exact=False).fill(f"{appointment.isoformat()}T10:00")
    lucia.get_by_role("button", name="Schedule").click()
    expect_status(lucia, "Scheduled")
    family_reads(rosa, base, words["scheduled"], f"pediatrician-refers-{language}-3-scheduled")
    expect(rosa.locator("main")).to_contain_text(str(appointment.year))

    # 4. She completes it: the outcome goes back to the pediatrician and the family.
    lucia.get_by_label("Outcome").select_option("connected")
    lucia.get_by_label("Note to the referrer").fill("Family started child-parent psychotherapy.")
    lucia.get_by_role("button", name="Complete").click()
    expect_status(lucia, "Completed")
    maya.goto(f"{base}/referrals/{referral_id}/")
    expect_status(maya, "Completed")
    expect(maya.locator("#referral-outcome")).to_contain_text("Connected to services")
    maya.goto(f"{base}/notices/")
    expect(maya.locator("main")).to_contain_text(f"Outcome back: referral #{referral_id} was completed.")
    shoot(maya, f"pediatrician-refers-{language}-4-outcome-back", same_page="pediatrician's notices")
    family_reads(rosa, base, words["completed"], f"pediatrician-refers-{language}-4-completed")
    rosa.goto(f"{base}/portal/referrals/")
    card = rosa.locator(f"#referral-{referral_id}")
    expect(card).to_contain_text(words["portal_status"])
    expect(card).to_contain_text(words["portal_outcome"])
    shoot(rosa, f"pediatrician-refers-{language}-5-portal")

    # The e-mails: one per step, in Rosa's language, news and a link only.
    mails = family_mail(smtp, already + 4)[already:]
    assert len(mails) == 4, [subject_of(m) for m in mails]
    for mail in mails:
        assert subject_of(mail) == words["subject"]
        body = text_of(mail)
        assert "/portal/referrals/" in body
        for secret in (
            "Mateo",
            "Rivera",
            "Zebrafinch",
            "Romero",
            "psychotherapy",
            str(appointment.day) + " ",
        ):
            assert secret not in subject_of(mail) + body, (secret, body)
