"""Issue 27, in a real browser at 1280 and 390 px, in English and Spanish: a family turns
texts on from the settings page (off until ticked), with the number to text; the page
passes the accessibility and phone-width checks before and after."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import STEP_TIMEOUT_MS
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page

pytestmark = pytest.mark.e2e

WORDS = {
    "en": {
        "email": "E-mail",
        "password": "Password",
        "sign_in": "Sign in",
        "texts": "Text me updates",
        "number": "Mobile number for texts",
        "save": "Save",
        "saved": "Your settings are saved.",
    },
    "es": {
        "email": "Correo electrónico",
        "password": "Contraseña",
        "sign_in": "Iniciar sesión",
        "texts": "Enviarme novedades por mensaje de texto",
        "number": "Número de celular para mensajes de texto",
        "save": "Guardar",
        "saved": None,
    },
}


@pytest.mark.parametrize(
    ("language", "login"), [("en", "guardian2@demo.invalid"), ("es", "guardian@demo.invalid")]
)
def test_a_family_turns_texts_on_from_the_settings_page(browser, live_server_module, language, login):
    words = WORDS[language]
    base = live_server_module.url
    context = browser.new_context(locale="es-ES" if language == "es" else "en-US")
    context.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.set_viewport_size(DESKTOP)
        page.goto(f"{base}/accounts/login/?lang={language}")
        page.get_by_label(words["email"]).fill(login)
        page.get_by_label(words["password"]).fill("demo-pass-2026")
        page.get_by_role("button", name=words["sign_in"]).click()
        page.wait_for_load_state("networkidle")
        page.goto(f"{base}/accounts/settings/?lang={language}")
        box = page.get_by_label(words["texts"])
        expect(box).not_to_be_checked()
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            check_page(page, f"settings texts {language} {size['width']}")
        page.set_viewport_size(PHONE)
        box.check()
        page.get_by_label(words["number"]).fill("(313) 555-0166")
        page.get_by_role("button", name=words["save"]).click()
        page.wait_for_load_state("networkidle")
        if words["saved"]:
            expect(page.get_by_text(words["saved"])).to_be_visible()
        expect(page.get_by_label(words["texts"])).to_be_checked()
        expect(page.get_by_label(words["number"])).to_have_value("(313) 555-0166")
        check_page(page, f"settings texts saved {language}")
    finally:
        context.close()
