"""Journey (issue 28): a Spanish-speaking family finds a parent group near its ZIP in the
directory's Groups tab, registers without an account, reads the Spanish confirmation
e-mail, and the day before the first session the reminder job sends the Spanish reminder;
the facilitator then finds the family on the group's roster.

One demo server; the group is added to its database first (``add_group``). E-mails leave
through the outbox to a real SMTP server in this process. The reminder job runs as the
scheduler would, in a ``manage.py remind_group_sessions --now`` of the server's own
settings, as at 20 hours before the first session. Every page is checked (axe; no
sideways scrolling at 390 px) at 1280 and 390 px, and kept in ``$E2E_ARTIFACTS/journeys/``.
"""

from __future__ import annotations

import datetime
import os
import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page
from tests.mailserver import SmtpServer, free_port, subject_of, text_of

pytestmark = pytest.mark.e2e

ARTIFACTS = os.path.join(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts"), "journeys")
os.makedirs(ARTIFACTS, exist_ok=True)
FAMILY_ADDRESS = "lucia.flores@example.test"
GROUP_NAME = "Círculo de Seguridad para madres y padres"
HOST_USERNAME = "imh_clinician"


@pytest.fixture
def smtp():
    server = SmtpServer(free_port())
    server.up()
    yield server
    server.down()


def add_group(server: Any, *, days_ahead: int = 3) -> dict[str, Any]:
    """A Spanish parent group in Ann Arbor (48104), weekly for 8 sessions at 10:00 in
    Detroit, starting ``days_ahead`` days from now, hosted by the demo IMH clinician."""

    def create(alias: str) -> dict[str, Any]:
        from directory import geo
        from directory.models import Location, Provider
        from groups.models import Group

        host = Provider.objects.using(alias).get(user__username=HOST_USERNAME)
        lat, lng = geo.zip_centroid("48104")
        location = Location.objects.using(alias).create(
            provider=host,
            name="Sala comunitaria",
            address_1="500 E Liberty St",
            city="Ann Arbor",
            state="MI",
            zip="48104",
            lat=lat,
            lng=lng,
        )
        group = Group.objects.using(alias).create(
            host=host,
            name=GROUP_NAME,
            kind="parent_group",
            audience="families",
            language="es",
            description="Ocho semanas para entender lo que su bebé necesita de usted.",
            ages_min_months=0,
            ages_max_months=60,
            location=location,
            capacity=12,
            time_zone="America/Detroit",
            starts_on=datetime.date.today() + datetime.timedelta(days=days_ahead),
            start_time=datetime.time(10, 0),
            rrule="FREQ=WEEKLY;COUNT=8",
            duration_minutes=90,
        )
        first = group.schedule.starts_at
        return {"group_id": group.pk, "first_session": first}

    return server.read(create)


def mails_to(smtp: SmtpServer, address: str, count: int, timeout: float = 30) -> list[tuple[str, str]]:
    deadline = time.monotonic() + timeout
    found: list[tuple[str, str]] = []
    while time.monotonic() < deadline:
        found = [(subject_of(m), text_of(m)) for m in smtp.mailbox.messages if address in str(m["To"])]
        if len(found) >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"expected {count} e-mails to {address}, got {found}")


def shoot(page: Any, name: str) -> None:
    for size, label in ((DESKTOP, "1280"), (PHONE, "390")):
        page.set_viewport_size(size)
        check_page(page, f"{name} at {label}px")
        page.screenshot(path=f"{ARTIFACTS}/{name}-{label}.png", full_page=True)
    page.set_viewport_size(PHONE)


def family_finds_and_registers(page: Any, base: str, group_id: int) -> str:
    """The family's part, in Spanish on a phone; returns the result page's path."""
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/groups/?near=48104", timeout=120_000)  # the ZIP table loads once
    page.goto(f"{base}/")
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "es")

    # The Groups tab beside the providers' search.
    page.get_by_role("navigation", name="Qué buscar").get_by_role("link", name="Grupos").click()
    expect(page.locator("h1")).to_have_text("Grupos y talleres cerca de usted")
    page.get_by_label("Cerca de (código postal o ciudad)").fill("48104")
    page.locator("summary", has_text="Filtros").click()
    page.get_by_label("Idioma del grupo").select_option("es")
    page.get_by_label("Edad del niño en meses").fill("14")
    page.get_by_role("button", name="Aplicar filtros").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#results")).to_contain_text("cerca de Ann Arbor, MI 48104")
    card = page.locator(f"#group-{group_id}")
    expect(card).to_contain_text(GROUP_NAME)
    expect(card).to_contain_text("10:00")
    expect(card).to_contain_text("Quedan 12 lugares")
    shoot(page, "family-joins-group-1-search")

    card.get_by_role("link", name=GROUP_NAME).click()
    expect(page.locator("#schedule-words")).to_contain_text("Semanal los")
    expect(page.locator("#schedule-words")).to_contain_text("8 sesiones, 10:00–11:30")
    expect(page.locator("#group-place")).to_contain_text("Ann Arbor, MI 48104")
    shoot(page, "family-joins-group-2-group")

    # A mistake first: the form says what to fix and keeps what was typed.
    page.get_by_label("Su nombre").fill("Lucía Flores")
    page.get_by_label("Correo electrónico").fill("lucia.flores@")
    page.get_by_role("button", name="Inscribirme").click()
    expect(page.locator(".field-error").first).to_be_visible()
    expect(page.get_by_label("Su nombre")).to_have_value("Lucía Flores")
    shoot(page, "family-joins-group-3-error")
    page.get_by_label("Correo electrónico").fill(FAMILY_ADDRESS)
    page.get_by_label("Idioma de nuestros mensajes").select_option("es")
    page.get_by_role("button", name="Inscribirme").click()
    expect(page.locator("h1")).to_have_text("Tiene un lugar")
    shoot(page, "family-joins-group-4-registered")
    return page.url


def test_a_spanish_family_joins_a_parent_group_and_is_reminded(live_server_factory, new_page, smtp):
    server = live_server_factory(processes=0)
    server.env.update(
        CELERY_TASK_ALWAYS_EAGER="1",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        SMS_QUIET_HOURS="off",
    )
    journey = add_group(server)
    server.start_process()
    base = server.url
    family = new_page()
    journey["result"] = family_finds_and_registers(family, base, journey["group_id"])

    # The confirmation, in Spanish, with nothing about a child.
    ((subject, body),) = mails_to(smtp, FAMILY_ADDRESS, 1)
    assert subject == f"Tiene un lugar: {GROUP_NAME}"
    assert "Hola, Lucía Flores:" in body and "Cuándo:" in body and "10:00" in body
    assert f"/groups/{journey['group_id']}/" in body
    # Without an account, the e-mail is the way back: its link opens the registration in
    # another browser (minted when sent, never stored in the outbox).
    link = body.split("Ver o cancelar su inscripción: ")[1].split()[0]
    phone = new_page()
    phone.goto(base + "/" + link.split("/", 3)[3])  # the path: the test server's SITE_URL has no port
    expect(phone.locator("h1")).to_have_text("Tiene un lugar")

    # The day before the first session the hourly job sends the reminder.
    day_before = journey["first_session"] - datetime.timedelta(hours=20)
    out = server.manage("remind_group_sessions", "--now", day_before.isoformat())
    # (The demo's own groups may have a session in the same day: their registrants'
    # reminders go too; the family's is the one read below.)
    assert re.search(r"\b[1-9]\d* reminders queued", out), out
    reminder = mails_to(smtp, FAMILY_ADDRESS, 2)[1]
    assert reminder[0].startswith(f"Recordatorio: {GROUP_NAME}, ") and "10:00" in reminder[0]
    assert "Un recordatorio: su grupo se reúne pronto." in reminder[1]
    # Run again: nothing is sent twice.
    assert "0 reminders queued" in server.manage("remind_group_sessions", "--now", day_before.isoformat())
    time.sleep(1)
    assert len(mails_to(smtp, FAMILY_ADDRESS, 2)) == 2

    # The facilitator signs in, opens "My groups" and finds the family on the roster.
    host = new_page()
    host.set_viewport_size(DESKTOP)
    login(host, base, HOST_USERNAME)
    host.get_by_role("link", name="My groups").first.click()
    host.get_by_role("link", name=GROUP_NAME).click()
    family_row = host.locator(".person", has_text="Lucía Flores")
    expect(family_row).to_contain_text(FAMILY_ADDRESS)
    expect(family_row).to_contain_text("Registered")
    expect(family_row).to_contain_text("Spanish")
    expect(host.locator("main")).to_contain_text("1 registered of 12 places")
    shoot(host, "family-joins-group-5-roster")


def test_a_signed_in_family_joins_a_full_group_in_english_and_leaves_the_waitlist(
    live_server_factory, new_page
):
    """English, signed in: one click puts the family on the waitlist of a full group, with
    its number; "My groups" in the portal lists it, and the family leaves the line."""
    server = live_server_factory(processes=0)
    journey = add_group(server)

    def fill_it(alias: str) -> None:
        from groups.models import Group, Registration

        group = Group.objects.using(alias).get(pk=journey["group_id"])
        group.capacity = 1
        group.name = "Baby and Me Circle"
        group.language = "en"
        group.save(using=alias)
        Registration.objects.using(alias).create(group=group, name="Another family", email="x@example.test")

    server.read(fill_it)
    server.start_process()
    base = server.url
    page = new_page()
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/groups/?near=48104", timeout=120_000)
    login(page, base, "guardian")
    page.goto(f"{base}/")
    shoot(page, "family-joins-group-en-0-directory-tabs")
    page.get_by_role("navigation", name="What to search").get_by_role("link", name="Groups").click()
    page.get_by_label("Near (ZIP code or city)").fill("48104")
    page.get_by_role("button", name="Search", exact=True).click()
    card = page.locator(f"#group-{journey['group_id']}")
    expect(card).to_contain_text("Full: join the waitlist")
    shoot(page, "family-joins-group-en-1-search")
    card.get_by_role("link", name="Baby and Me Circle").click()
    expect(page.locator("#schedule-words")).to_contain_text("8 sessions, 10:00 AM–11:30 AM")
    shoot(page, "family-joins-group-en-2-group")
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.locator("h1")).to_have_text("You are number 1 on the waitlist")
    shoot(page, "family-joins-group-en-3-waitlisted")

    page.goto(f"{base}/portal/")
    panel = page.locator("section", has=page.get_by_role("heading", name="My groups"))
    expect(panel).to_contain_text("Baby and Me Circle")
    shoot(page, "family-joins-group-en-4-portal")
    page.goto(f"{base}/portal/groups/")
    page.get_by_role("button", name="Leave the waitlist").click()
    # The line is left; the demo guardian's own place in the demo's playgroup stays.
    expect(page.locator("main")).not_to_contain_text("Baby and Me Circle")
    expect(page.locator("main")).to_contain_text("Baby and Me Playgroup")
