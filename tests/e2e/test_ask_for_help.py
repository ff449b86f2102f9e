"""Families ask for help in a real browser: a Spanish-speaking guardian asks a provider
found by ZIP and follows the answer in Spanish; a care coordinator routes a request that
named no provider and the family signs for it; and the whole family path by keyboard."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts"))


def both_widths(page, where: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        check_page(page, f"{where} ({name})")
        page.screenshot(path=str(ARTIFACTS / f"ask-{where.replace(' ', '-')}-{name}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_spanish_guardian_asks_a_provider_found_by_zip_and_follows_it_in_spanish(
    live_server_module, new_page
):
    base = live_server_module.url
    page = new_page()
    page.set_default_timeout(30_000)
    login(page, base, "guardian_es")
    page.goto(f"{base}/?lang=es&near=48108")
    both_widths(page, "search es")
    page.get_by_role("link", name="Dr. Lucia Romero").first.click()
    both_widths(page, "profile es")
    page.get_by_role("link", name="Pedir ayuda").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Pedir ayuda a Dr. Lucia Romero"
    page.get_by_label("¿Qué le preocupa? Bastan unas pocas palabras.").fill("Sofía llora mucho de noche.")
    page.get_by_label("No me llamen (solo correo electrónico)").check()
    page.get_by_label("Su contraseña (su firma)").fill("demo-pass-2026")
    both_widths(page, "ask es")
    page.get_by_role("button", name="Firmar y enviar mi solicitud").click()
    assert "Su solicitud se envió a Dr. Lucia Romero" in page.get_by_role("status").inner_text()
    both_widths(page, "done es")

    # The provider opens it and accepts it.
    from outbox.models import OutboxMessage
    from referrals.models import Referral

    referral = live_server_module.read(
        lambda db: (
            Referral.objects.using(db)
            .filter(source="family", to_provider__user__username="imh_clinician")
            .latest("id")
            .pk
        )
    )
    provider = new_page()
    login(provider, base, "imh_clinician")
    provider.goto(f"{base}/referrals/{referral}/")
    provider.get_by_role("button", name="Accept").click()
    expect(provider.locator("#referral-status")).to_have_text("Accepted")
    page.goto(f"{base}/portal/")
    panel = page.get_by_role("region", name="Solicitudes de ayuda")
    assert "Aceptada" in panel.inner_text()
    both_widths(page, "portal es")
    sent = live_server_module.read(
        lambda db: (
            OutboxMessage.objects.using(db)
            .filter(channel="email", to_address="guardian_es@demo.invalid", subject__contains="Aceptada")
            .values_list("language", "subject")
            .get()
        )
    )
    assert sent == ("es", "Novedades de su remisión: Aceptada")


def test_coordinator_routes_a_request_and_the_family_signs_for_the_provider(live_server_module, new_page):
    base = live_server_module.url
    coordinator = new_page()
    coordinator.set_default_timeout(30_000)
    login(coordinator, base, "coordinator")
    coordinator.goto(f"{base}/coordination/")
    both_widths(coordinator, "queue")
    coordinator.get_by_role("link", name="Request #").first.click()
    coordinator.get_by_label("Name, service or specialty").fill("Natarajan")
    coordinator.get_by_role("button", name="Search").click()
    both_widths(coordinator, "queue item")
    coordinator.get_by_role("button", name="Route to Priya Natarajan").click()
    assert "Routed." in coordinator.content()

    family = new_page()
    family.set_default_timeout(30_000)
    login(family, base, "guardian_es")
    family.goto(f"{base}/portal/")
    family.get_by_role("link", name="Leer y firmar").click()
    assert "Priya Natarajan" in family.get_by_role("region", name="Lo que usted firma").inner_text()
    family.get_by_label("Su contraseña (su firma)").fill("demo-pass-2026")
    both_widths(family, "sign es")
    family.get_by_role("button", name="Firmar y enviar mi solicitud").click()
    assert "Priya Natarajan" in family.get_by_role("status").inner_text()
    family.goto(f"{base}/portal/")
    assert "Enviada" in family.get_by_role("region", name="Solicitudes de ayuda").inner_text()


def _tab_to(page, test_js: str, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({test_js}); }})()"):
            return
    raise AssertionError(f"never reached by Tab: {test_js}")


def press_and_wait(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state("networkidle")


def test_keyboard_only_search_profile_ask_portal(live_server_module, new_page):
    base = live_server_module.url
    page = new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{base}/accounts/login/")
    _tab_to(page, "el.name === 'username'")
    page.keyboard.type("guardian2")
    _tab_to(page, "el.name === 'password'")
    page.keyboard.type("demo-pass-2026")
    press_and_wait(page, "Enter")
    page.goto(f"{base}/?near=48197")
    _tab_to(page, "el.textContent.trim() === 'Priya Natarajan'")
    press_and_wait(page, "Enter")
    _tab_to(page, "el.textContent.trim() === 'Ask for help'")
    press_and_wait(page, "Enter")
    _tab_to(page, "el.name === 'concern'")
    page.keyboard.type("Ava bites other children at daycare.")
    _tab_to(page, "el.name === 'contact_method' && el.value === 'email'")
    page.keyboard.press("ArrowDown")  # radio group: phone call
    page.keyboard.press("ArrowDown")  # text message
    _tab_to(page, "el.name === 'phone'")
    page.keyboard.type("734-555-0199")  # needed to be texted (issue 25)
    _tab_to(page, "el.name === 'password'")
    page.keyboard.type("demo-pass-2026")
    press_and_wait(page, "Enter")
    assert "Priya Natarajan" in page.get_by_role("status").inner_text()
    _tab_to(page, "el.textContent.trim() === 'Go to my family'")
    press_and_wait(page, "Enter")
    assert page.url.endswith("/portal/")
    text = page.get_by_role("region", name="Requests for help").inner_text()
    assert "Priya Natarajan" in text and "Sent" in text
    both_widths(page, "portal keyboard")
