"""Issue 25, journey: a family asks for help and is reached. In English and in Spanish,
in a real browser, across every person the need passes through:

1. the family asks once naming a provider and once without one (a care coordinator
   will find one), each time saying how and when to reach it (method, phone, best
   times, language) and signing the authorization that says these details are shared;
2. the care coordinator reads the request with how to reach the family and routes it;
   the family signs for the coordinator's choice;
3. each provider opens the referral and reads, beside "First contact by", how and when
   to reach the family, then records the contact: accepts and closes with an outcome;
4. the family is told, in its language (the portal, the notice centre, the e-mail).

Every page is checked (axe, and nothing wider than a phone at 390 px) and kept as a
screenshot at 1280 and 390 px in ``$E2E_ARTIFACTS/journeys/``; a page the staff read in
English in both runs, once."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import login
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts")) / "journeys"

WORDS = {
    "en": {
        "guardian": "guardian",
        "guardian_name": "Rosa Rivera",
        "another_child": "Another child (add them now)",
        "first_name": "Child's first name",
        "last_name": "Child's last name",
        "dob": "Date of birth",
        "concern": "What worries you? A few words are enough.",
        "phone_call": "Phone call",
        "text": "Text message",
        "phone": "Phone number (needed for a call or a text)",
        "mornings": "Mornings",
        "evenings": "Evenings",
        "best_times": "Best days and times to reach you (optional)",
        "language": "Language to contact you in",
        "password": "Your password (your signature)",
        "send_provider": "Sign and send my request",
        "send_coordinator": "Send to a care coordinator",
        "contact_clause": "How to reach you",
        "read_and_sign": "Read and sign",
        "requests": "Requests for help",
        "completed": "Completed",
        "email_subject": "Update on your referral",
        "language_label": "English",
        "language_code": "en",
    },
    "es": {
        "guardian": "guardian_es",
        "guardian_name": "Carmen Morales",
        "another_child": "Otro niño o niña (agréguelo ahora)",
        "first_name": "Nombre del niño o la niña",
        "last_name": "Apellido del niño o la niña",
        "dob": "Fecha de nacimiento",
        "concern": "¿Qué le preocupa? Bastan unas pocas palabras.",
        "phone_call": "Llamada telefónica",
        "text": "Mensaje de texto",
        "phone": "Número de teléfono (necesario para una llamada o un mensaje de texto)",
        "mornings": "Por la mañana",
        "evenings": "Por la noche",
        "best_times": "Mejores días y horas para comunicarse con usted (opcional)",
        "language": "Idioma en que prefiere que le hablen",
        "password": "Su contraseña (su firma)",
        "send_provider": "Firmar y enviar mi solicitud",
        "send_coordinator": "Enviar a un coordinador de cuidados",
        "contact_clause": "Cómo comunicarse con usted",
        "read_and_sign": "Leer y firmar",
        "requests": "Solicitudes de ayuda",
        "completed": "Completada",
        "email_subject": "Novedades de su remisión",
        "language_label": "Spanish",
        "language_code": "es",
    },
}
# Each journey its own people: the provider asked by name, the one a coordinator finds,
# the two children (added in the form, so nothing in the demo stands in the way).
CAST = {
    "en": {
        "asked": ("social_worker", "Priya Natarajan"),
        "routed": ("slp", "Samuel Okafor"),
        "children": ("Nora", "Theo"),
        "last_name": "Journey",
        "phones": ("313-555-0142", "(313) 555-0142", "734-555-0199", "(734) 555-0199"),
        "best_times": "before 10 please",
    },
    "es": {
        "asked": ("imh_clinician", "Dr. Lucia Romero"),
        "routed": ("social_worker", "Priya Natarajan"),
        "children": ("Elena", "Mateíto"),
        "last_name": "Viaje",
        "phones": ("313-555-0177", "(313) 555-0177", "734-555-0188", "(734) 555-0188"),
        "best_times": "después de las 4",
    },
}


# The pages the staff read in English in both runs (the provider's referral, the
# coordinator's queue and request) are the same page in the same state each time: each
# is checked and kept once a process, under the name it has here.
_CHECKED: set[str] = set()


def shots(page, where: str, *, same_page: str | None = None) -> None:
    """Check the page and keep it at both widths (once for a ``same_page``)."""
    if same_page is not None:
        if same_page in _CHECKED:
            return
        _CHECKED.add(same_page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        check_page(page, f"{where} ({name})")
        page.screenshot(
            path=str(ARTIFACTS / f"family-asks-{where.replace(' ', '-')}-{name}.png"), full_page=True
        )
    page.set_viewport_size(DESKTOP)


def provider_id(server, username: str) -> int:
    from directory.models import Provider

    return server.read(lambda db: Provider.objects.using(db).get(user__username=username).pk)


def referral_of(server, first_name: str) -> int:
    from referrals.models import Referral

    return server.read(
        lambda db: Referral.objects.using(db).filter(child__first_name=first_name).latest("id").pk
    )


def family_emails(server, address: str):
    """The e-mails the server's outbox holds for ``address``: (language, subject) pairs."""
    from outbox.models import OutboxMessage

    return server.read(
        lambda db: list(
            OutboxMessage.objects.using(db)
            .filter(channel="email", to_address=address)
            .values_list("language", "subject")
        )
    )


def fill_ask(
    page, w, *, child: str, last_name: str, concern: str, method: str, phone: str, slot: str, times: str
):
    page.get_by_label(w["another_child"]).check()
    page.get_by_label(w["first_name"]).fill(child)
    page.get_by_label(w["last_name"]).fill(last_name)
    page.get_by_label(w["dob"]).fill("2025-03-14")
    page.get_by_label(w["concern"]).fill(concern)
    page.get_by_label(w[method], exact=True).check()
    page.get_by_label(w["phone"]).fill(phone)
    page.get_by_label(w["language"]).select_option(w["language_code"])
    page.get_by_label(w[slot], exact=True).check()
    page.get_by_label(w["best_times"]).fill(times)
    page.get_by_label(w["password"]).fill("demo-pass-2026")


def provider_reaches_the_family(
    page, base, server, lang, *, first_name, method_label, phone_shown, slot, times
):
    """The provider opens the referral, reads how and when to reach the family beside
    the first-contact target, accepts it and closes it with an outcome."""
    referral = referral_of(server, first_name)
    page.goto(f"{base}/referrals/{referral}/?lang=en")
    first_contact = page.locator("#first-contact").inner_text()
    for shown in ("First contact by", WORDS[lang]["guardian_name"], method_label, phone_shown, slot, times):
        assert shown in first_contact, (shown, first_contact)
    assert WORDS[lang]["language_label"] in first_contact
    assert page.locator('#first-contact a[href^="tel:+1"]').count() == 1
    shots(
        page,
        f"{lang} provider reads how to reach {first_name}",
        same_page=f"provider's referral, {method_label}",
    )
    page.get_by_role("button", name="Accept").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Outcome").select_option("connected")
    page.get_by_label("Note to the referrer").fill("Called the family; first visit booked.")
    page.get_by_role("button", name="Complete").click()
    page.wait_for_load_state("networkidle")
    assert re.search("Completed|completed", page.locator("#referral-status").inner_text())
    return referral


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_family_asks_is_reached_and_is_told(live_server_module, new_page, lang):
    base, server = live_server_module.url, live_server_module
    w, cast = WORDS[lang], CAST[lang]
    named, unnamed = cast["children"]
    call_typed, call_shown, text_typed, text_shown = cast["phones"]

    # 1a. The family asks a provider it chose, by phone, in the mornings.
    family = new_page()
    family.set_default_timeout(30_000)
    login(family, base, w["guardian"])
    asked_username, asked_name = cast["asked"]
    family.goto(f"{base}/help/ask/?provider={provider_id(server, asked_username)}&lang={lang}")
    fill_ask(
        family,
        w,
        child=named,
        last_name=cast["last_name"],
        concern=f"{named} no duerme / does not sleep",
        method="phone_call",
        phone=call_typed,
        slot="mornings",
        times=cast["best_times"],
    )
    consent_text = family.locator(".consent-text").inner_text()
    assert w["contact_clause"] in consent_text
    shots(family, f"{lang} family asks a provider")
    family.get_by_role("button", name=w["send_provider"]).click()
    family.wait_for_load_state("networkidle")
    assert asked_name in family.get_by_role("status").inner_text()

    # 1b. The family does not know whom to ask: a care coordinator, by text, evenings.
    family.goto(f"{base}/help/ask/?lang={lang}")
    fill_ask(
        family,
        w,
        child=unnamed,
        last_name=cast["last_name"],
        concern=f"{unnamed} muerde / bites at daycare",
        method="text",
        phone=text_typed,
        slot="evenings",
        times=cast["best_times"],
    )
    shots(family, f"{lang} family asks a coordinator")
    family.get_by_role("button", name=w["send_coordinator"]).click()
    family.wait_for_load_state("networkidle")

    # 2. The coordinator reads how to reach the family and routes the request.
    coordinator = new_page()
    coordinator.set_default_timeout(30_000)
    login(coordinator, base, "coordinator")
    coordinator.goto(f"{base}/coordination/?lang=en")
    row = coordinator.get_by_role("row").filter(has_text=f"{unnamed} {cast['last_name']}")
    assert text_shown in row.inner_text() and "Text message" in row.inner_text()
    shots(coordinator, f"{lang} coordinator queue", same_page="coordinator queue")
    row.get_by_role("link").first.click()
    details = coordinator.locator("dl.card").inner_text()
    assert text_shown in details and WORDS[lang]["language_label"] in details and "Evenings" in details
    routed_username, routed_name = cast["routed"]
    coordinator.get_by_label("Name, service or specialty").fill(routed_name.split()[-1])
    coordinator.get_by_role("button", name="Search").click()
    coordinator.get_by_role("button", name=f"Route to {routed_name}").click()
    coordinator.wait_for_load_state("networkidle")
    assert "Routed: waiting for the family to sign" in coordinator.locator("dl.card").inner_text()
    shots(coordinator, f"{lang} coordinator routed", same_page="coordinator routed")

    # The family signs for the coordinator's choice (the authorization names the details).
    family.goto(f"{base}/portal/requests/?lang={lang}")
    family.get_by_role("listitem").filter(has_text=unnamed).get_by_role(
        "link", name=w["read_and_sign"]
    ).click()
    assert w["contact_clause"] in family.locator(".consent-text").inner_text()
    family.get_by_label(w["password"]).fill("demo-pass-2026")
    shots(family, f"{lang} family signs for the routed provider")
    family.get_by_role("button", name=w["send_provider"]).click()
    family.wait_for_load_state("networkidle")
    assert routed_name in family.get_by_role("status").inner_text()

    # 3. Each provider reads how and when to reach the family, and records the contact.
    labels = ("Phone call", "Text message", "Mornings", "Evenings")  # the provider reads English
    referrals = []
    for username, child, method_label, phone_shown, slot in (
        (asked_username, named, labels[0], call_shown, labels[2]),
        (routed_username, unnamed, labels[1], text_shown, labels[3]),
    ):
        provider = new_page()
        provider.set_default_timeout(30_000)
        login(provider, base, username)
        referral = provider_reaches_the_family(
            provider,
            base,
            server,
            lang,
            first_name=child,
            method_label=method_label,
            phone_shown=phone_shown,
            slot=slot,
            times=cast["best_times"],
        )
        referrals.append(referral)
        provider.close()

    # 4. The family is told, in its language: the portal, the notice centre, the e-mail.
    family.goto(f"{base}/portal/requests/?lang={lang}")
    for child in (named, unnamed):
        item = family.get_by_role("listitem").filter(has_text=child).first.inner_text()
        assert w["completed"] in item, (child, item)
    shots(family, f"{lang} family is told")
    family.goto(f"{base}/notices/?lang={lang}")
    notices = family.get_by_role("main").inner_text()
    for referral in referrals:  # the words themselves are the notices' own (referrals.family_notices)
        assert re.search(rf"#{referral}\b", notices), (referral, notices)
    shots(family, f"{lang} family notices")
    emails = family_emails(server, f"{w['guardian']}@demo.invalid")
    assert lang in {language for language, _ in emails}, emails
    completed = [subject for _, subject in emails if subject.startswith(w["email_subject"])]
    assert len(completed) >= 2, emails


NO_ACCOUNT = {
    "en": {
        "name": "Your name",
        "agree": "A care coordinator may contact me the way I chose about this request.",
        "thanks": "A care coordinator will contact you",
    },
    "es": {
        "name": "Su nombre",
        "agree": "Un coordinador de cuidados puede comunicarse conmigo de la forma que elegí sobre esta solicitud.",
        "thanks": "Un coordinador de cuidados se comunicará con usted",
    },
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_family_without_an_account_asks_and_a_coordinator_calls_back(live_server_module, new_page, lang):
    base, w, n = live_server_module.url, WORDS[lang], NO_ACCOUNT[lang]
    name = {"en": "Jordan Nocount", "es": "Lupe Sincuenta"}[lang]
    family = new_page()
    family.set_default_timeout(30_000)
    family.goto(f"{base}/help/ask/?lang={lang}")
    family.get_by_label(n["name"]).fill(name)
    family.get_by_label(w["concern"]).fill("Mi bebé no come bien / my baby does not eat well")
    family.get_by_label(w["text"], exact=True).check()
    family.get_by_label(w["phone"]).fill("313-555-0190")
    family.get_by_label(w["language"]).select_option(w["language_code"])
    family.get_by_label(w["evenings"], exact=True).check()
    # Forgetting the box says so beside it and keeps everything typed.
    family.get_by_role("button", name=w["send_coordinator"]).click()
    family.wait_for_load_state("networkidle")
    assert family.get_by_label(n["name"]).input_value() == name
    shots(family, f"{lang} no account refused")
    family.get_by_label(n["agree"]).check()
    family.get_by_role("button", name=w["send_coordinator"]).click()
    family.wait_for_load_state("networkidle")
    assert n["thanks"] in family.get_by_role("status").inner_text()
    shots(family, f"{lang} no account thanks")

    coordinator = new_page()
    coordinator.set_default_timeout(30_000)
    login(coordinator, base, "coordinator")
    coordinator.goto(f"{base}/coordination/?lang=en")
    row = coordinator.get_by_role("row").filter(has_text=name)
    assert "No account yet" in row.inner_text() and "(313) 555-0190" in row.inner_text()
    row.get_by_role("link").first.click()
    assert "Call back" in coordinator.get_by_role("main").inner_text()
    shots(coordinator, f"{lang} no account call back", same_page="coordinator call back")
    coordinator.get_by_role("button", name="Close: we reached the family").click()
    coordinator.wait_for_load_state("networkidle")
    assert name not in coordinator.get_by_role("main").inner_text()
