"""Journey (issue 27): a pediatrician refers a child to a directory listing nobody claimed
(Early On Washtenaw, demo) → the partner, with no account, accepts, schedules and records
the outcome from three links it is e-mailed, one step per link → the pediatrician sees
the outcome, and who gave it ("Early On Washtenaw, by link") → Mateo's mother, who reads
Spanish and chose texts, has had each step by text and by e-mail, in Spanish, with no
child detail in either.

Three browsers on one demo server: Mateo's mother (``guardian``), who first sets Spanish
and texts on her settings page; Dr. Maya Chen (``pediatrician``) signed in; and the
partner's, never signed in. The e-mails leave through the outbox to a real SMTP server
in this process; the links are read from them. The texts leave through the file
backend (``SMS_FILE_PATH``), read here. Each e-mail says when its link expires and
carries no child detail. The pages are checked (axe, 390 px) and kept in
``$E2E_ARTIFACTS/journeys/``."""

from __future__ import annotations

import datetime
import json
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
PARTNER_ADDRESS = "intake@earlyon-washtenaw.example.test"
FAMILY_ADDRESS = "guardian@demo.invalid"
FAMILY_NUMBER = "+13135550188"
# Nothing about the child in a family's text or e-mail: name, birth date, reason, outcome.
CHILD_DETAIL = ("Mateo", "Rivera", "2025", "03/14", "Zebrafinch", "Connected", "Conectado", "Early On")
REASON = "Zebrafinch: few words and little pointing at 20 months; family asked for Early On."


@pytest.fixture
def smtp():
    server = SmtpServer(free_port())
    server.up()
    yield server
    server.down()


def partner_links(smtp: SmtpServer, count: int, timeout: float = 30) -> list[tuple[str, str]]:
    """(subject, link path) of the first ``count`` e-mails to the partner."""
    deadline = time.monotonic() + timeout
    found: list[tuple[str, str]] = []
    while time.monotonic() < deadline:
        found = []
        for mail in smtp.mailbox.messages:
            if PARTNER_ADDRESS not in str(mail["To"]):
                continue
            body = text_of(mail)
            assert "expires on" in body, body
            for secret in ("Mateo", "Rivera", "Zebrafinch"):
                assert secret not in subject_of(mail) + body, (secret, body)
            match = re.search(r"(/r/[^\s/]+/)", body)
            assert match, body
            found.append((subject_of(mail), match.group(1)))
        if len(found) >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"expected {count} e-mails to the partner, got {len(found)}")


def family_texts(path: str, count: int, timeout: float = 30) -> list[str]:
    """The bodies of the texts the file backend wrote to the family's number."""
    deadline = time.monotonic() + timeout
    bodies: list[str] = []
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path, encoding="utf-8") as lines:
                bodies = [
                    text["body"]
                    for text in map(json.loads, filter(None, lines.read().splitlines()))
                    if text["to"] == FAMILY_NUMBER
                ]
        if len(bodies) >= count:
            return bodies
        time.sleep(0.2)
    raise AssertionError(f"expected {count} texts to the family, got {bodies}")


def family_mails(smtp: SmtpServer, count: int, timeout: float = 30) -> list[tuple[str, str]]:
    deadline = time.monotonic() + timeout
    found: list[tuple[str, str]] = []
    while time.monotonic() < deadline:
        found = [
            (subject_of(mail), text_of(mail))
            for mail in smtp.mailbox.messages
            if FAMILY_ADDRESS in str(mail["To"])
        ]
        if len(found) >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"expected {count} e-mails to the family, got {len(found)}")


def shoot(page, name: str) -> None:
    for size, label in ((DESKTOP, "1280"), (PHONE, "390")):
        page.set_viewport_size(size)
        check_page(page, f"{name} at {label}px")
        page.screenshot(path=f"{ARTIFACTS}/{name}-{label}.png", full_page=True)
    page.set_viewport_size(PHONE)


def test_a_partner_without_an_account_answers_from_three_links(live_server_factory, new_page, smtp):
    group = live_server_factory(processes=0)
    group.env.update(
        CELERY_TASK_ALWAYS_EAGER="1",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        SMS_BACKEND="referral_hub.sms.FileBackend",
        SMS_FILE_PATH=str(group.tmpdir / "texts.jsonl"),
        SMS_QUIET_HOURS="off",  # the journey runs at any hour; quiet hours: tests/texts
    )
    texts_path = str(group.tmpdir / "texts.jsonl")
    group.start_process()
    base = group.url
    family, maya, partner = new_page(), new_page(), new_page()

    # 0. Mateo's mother reads Spanish and chooses texts, on her phone.
    family.set_viewport_size(PHONE)
    login(family, base, "guardian")
    family.goto(f"{base}/accounts/settings/")
    family.get_by_role("combobox", name="Language").select_option("es")
    family.get_by_label("Text me updates").check()
    family.get_by_label("Mobile number for texts").fill("(313) 555-0188")
    family.get_by_role("button", name="Save").click()
    family.wait_for_load_state("networkidle")
    expect(family.locator("html")).to_have_attribute("lang", "es")
    expect(family.get_by_label("Enviarme novedades por mensaje de texto")).to_be_checked()

    login(maya, base, "pediatrician")

    # 1. Dr. Chen refers Mateo to Early On, a listing with no account (the family's
    #    consent names it): the form says it answers by e-mailed link.
    maya.goto(f"{base}/referrals/new/")
    expect(maya.get_by_label("Child")).to_contain_text("Mateo Rivera")
    option = maya.locator("#to_provider option", has_text="Early On Washtenaw")
    expect(option).to_contain_text("no account: answers by e-mailed link")
    maya.locator("#to_provider").select_option(option.get_attribute("value"))
    maya.get_by_label("Reason for referral").fill(REASON)
    maya.get_by_label("Concern").select_option("developmental")
    maya.get_by_role("button", name="Send referral").click()
    expect(maya.locator("h1")).to_contain_text("Referral #")
    referral_id = re.search(r"/referrals/(\d+)/", maya.url).group(1)

    # 2. The partner opens the first link (no sign-in) on a phone, and accepts.
    partner.set_viewport_size(PHONE)
    (subject, first), *_ = partner_links(smtp, 1)
    assert "accept or decline" in subject
    partner.goto(base + first)
    expect(partner.locator("h1")).to_contain_text(f"Referral #{referral_id}")
    expect(partner.locator("#partner-child")).to_contain_text("Mateo")
    expect(partner.locator("#link-expires")).to_contain_text("expires on")
    shoot(partner, "partner-by-link-1-respond")
    partner.get_by_role("button", name="Accept").click()
    expect(partner.locator("#partner-done")).to_contain_text("We sent the link for the next step")

    # The used link is refused, and says so.
    partner.goto(base + first)
    expect(partner.locator("[data-error-code=link_used]")).to_be_visible()

    # 3. The second link: the first appointment.
    second = partner_links(smtp, 2)[1][1]
    partner.goto(base + second)
    appointment = datetime.date.today() + datetime.timedelta(days=12)
    partner.get_by_label("First appointment").fill(f"{appointment.isoformat()}T10:30")
    shoot(partner, "partner-by-link-2-schedule")
    partner.get_by_role("button", name="Schedule").click()
    expect(partner.locator("#partner-done")).to_contain_text("We sent the link for the next step")

    # 4. The third link: the outcome.
    third = partner_links(smtp, 3)[2][1]
    partner.goto(base + third)
    partner.get_by_label("Outcome").select_option("connected")
    partner.get_by_label("Note to the referrer").fill("Evaluation done; services start next week.")
    shoot(partner, "partner-by-link-3-complete")
    partner.get_by_role("button", name="Record the outcome").click()
    expect(partner.locator("#partner-done")).to_contain_text("There is nothing more to do")
    shoot(partner, "partner-by-link-4-done")

    # 5. Dr. Chen sees the outcome, and who gave it.
    maya.goto(f"{base}/referrals/{referral_id}/")
    expect(maya.locator("#referral-status")).to_have_text("Completed", timeout=20_000)
    expect(maya.locator("#referral-outcome")).to_contain_text("Connected to services")
    expect(maya.locator("#timeline")).to_contain_text("Early On Washtenaw, by link")
    assert len(partner_links(smtp, 3)) == 3  # nothing after the outcome

    # 6. The family had each step (made, accepted, appointment, completed) by text and by
    #    e-mail, in Spanish, with nothing about Mateo in either.
    texts = family_texts(texts_path, 4)
    assert len(texts) == 4, texts
    for body in texts:
        assert "hay novedades sobre una remisión para su hijo/a" in body, body
        assert "/portal/referrals/" in body and ("BAJA" in body or "STOP" in body), body
        leaked = [word for word in CHILD_DETAIL if word.lower() in body.lower()]
        assert not leaked, (leaked, body)
    assert "Completada" in texts[-1], texts[-1]
    mails = family_mails(smtp, 4)
    for subject, body in mails:
        assert subject == "Novedades sobre una remisión para su hijo o hija", subject
        assert "Inicie sesión" in body or "inicie sesión" in body, body
        leaked = [word for word in CHILD_DETAIL if word.lower() in (subject + body).lower()]
        assert not leaked, (leaked, subject, body)

    # The mother signs in (Spanish) and reads the outcome on her referrals page.
    family.goto(f"{base}/portal/referrals/")
    expect(family.locator(f"#referral-{referral_id}")).to_contain_text("Completada")
    shoot(family, "partner-by-link-5-family-es")
