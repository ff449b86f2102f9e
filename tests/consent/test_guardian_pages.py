"""The guardian's pages as a parent reads them: one plain sentence per consent (past
tense once it ended), cards with their actions, a printable consent, an access log in
plain words with other people first and the family's own visits folded away, all in
English and Spanish; consents signed in Spanish keep their Spanish text and version;
e-mails to families go out in the family's language."""

from __future__ import annotations

import datetime
import html
import re

import pytest
import time_machine
from django.utils import timezone, translation

from audit.models import Action
from audit.services import audit_denied, audit_record
from consent.models import Consent
from consent.reminders import consents_notify_expiring
from consent.services import consent_revoke
from consent.texts import TEXT_VERSIONS, plain_summary
from families.services import invitation_create
from outbox.models import OutboxMessage
from people.preferences import update_preferences
from tests.factories.base import PASSWORD
from tests.factories.directory import ProviderFactory
from tests.factories.families import ChildFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
UNTIL = TODAY + datetime.timedelta(days=180)
MESES = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split()


def english(day: datetime.date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def spanish(day: datetime.date) -> str:
    return f"{day.day} de {MESES[day.month - 1]} de {day.year}"


CODES = ("access_log", "case_message", "care_coordination", "screening_results", "Viewed access_log")


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def _main(response) -> str:
    page = _text(response)
    return page[page.index("<main") : page.index("</main>")]


@pytest.fixture
def sam(family, grant):
    guardian, child = family
    child.first_name, child.last_name = "Sam", "Rivera"
    child.save()
    romero = ProviderFactory(name="Dr. Lucia Romero", organization=None)
    consent = grant(
        guardian,
        child,
        provider=romero,
        purposes=["referral"],
        data_categories=["demographics", "screening_results"],
        expires_on=UNTIL,
    )
    return guardian, child, romero, consent


def test_one_plain_sentence_per_consent_in_present_then_past_tense(sam, grant):
    guardian, child, romero, consent = sam
    short_end = TODAY + datetime.timedelta(days=10)
    short = grant(guardian, child, provider=romero, purposes=["messaging"], expires_on=short_end)
    noon = datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=datetime.UTC)
    with time_machine.travel(noon, tick=False):
        assert plain_summary(consent) == (
            "Dr. Lucia Romero may see Sam's basic details and screening results to make a referral, "
            f"until {english(UNTIL)}."
        )
        with translation.override("es"):
            assert plain_summary(consent) == (
                "Dr. Lucia Romero puede ver los datos básicos y los resultados de evaluaciones de Sam "
                f"para hacer una remisión, hasta el {spanish(UNTIL)}."
            )
        consent_revoke(actor=guardian.user, consent_id=consent.pk)
        consent.refresh_from_db()
        with timezone.override(datetime.UTC):
            assert plain_summary(consent) == (
                "Dr. Lucia Romero could see Sam's basic details and screening results to make a referral, "
                f"until you revoked this on {english(TODAY)}."
            )
    with time_machine.travel(noon + datetime.timedelta(days=12), tick=False):
        assert plain_summary(short) == (
            "Dr. Lucia Romero could see Sam's basic details and screening results to message the care team, "
            f"until {english(short_end)}, when this consent ended."
        )
        with translation.override("es"):
            assert "podía ver" in plain_summary(
                short
            ) and "cuando terminó este consentimiento" in plain_summary(short)


def test_the_portal_shows_cards_with_their_actions_and_no_codes(client, sam, django_assert_max_num_queries):
    guardian, child, romero, consent = sam
    for _ in range(3):
        ProviderFactory()
    client.force_login(guardian.user)
    with django_assert_max_num_queries(25):
        page = client.get("/portal/")
    main = _main(page)
    assert "may see Sam's basic details and screening results to make a referral" in main
    assert f'href="/portal/consents/{consent.pk}/revoke/"' in main
    assert f'href="/portal/consents/{consent.pk}/print/"' in main
    assert "<table" not in main, "consents are cards, not a wide table"
    for code in CODES:
        assert code not in main


def test_the_same_portal_in_spanish(client, sam):
    guardian, *_ = sam
    client.force_login(guardian.user)
    main = _main(client.get("/portal/?lang=es"))
    for spanish in ("Mi familia", "Compartir con un proveedor", "puede ver", "Revocar", "Vigente"):
        assert spanish in main
    for english in ("Share with a provider", "may see", "Revoke", "Active", "Who has seen"):
        assert english not in main


def test_a_revoked_consent_reads_in_the_past_tense_on_the_child_page(client, sam):
    guardian, child, _romero, consent = sam
    consent_revoke(actor=guardian.user, consent_id=consent.pk, reason="We moved")
    client.force_login(guardian.user)
    main = _main(client.get(f"/portal/children/{child.pk}/"))
    assert "Dr. Lucia Romero could see Sam's" in main and "until you revoked this on" in main
    assert "may see" not in main
    assert "Reason for revoking: We moved" in main
    assert f"/portal/consents/{consent.pk}/revoke/" not in main, "no revoke button on an ended consent"


def test_a_consent_prints_with_the_text_that_was_signed(client, sam, family):
    guardian, child, _romero, consent = sam
    client.force_login(guardian.user)
    page = client.get(f"/portal/consents/{consent.pk}/print/")
    assert page.status_code == 200
    main = _main(page)
    assert "Consent to share information" in main
    assert "Authorization to share information (version" in page.content.decode()
    assert "media print" in open("consent/static/consent/portal.css").read()

    other = ChildFactory().family
    from tests.factories.families import GuardianFactory

    stranger = GuardianFactory(family=other)
    client.force_login(stranger.user)
    assert client.get(f"/portal/consents/{consent.pk}/print/").status_code == 404


def test_the_access_log_in_plain_words_others_first_own_views_folded(client, sam):
    guardian, child, romero, consent = sam
    client.force_login(guardian.user)
    for _ in range(3):
        client.get("/portal/")  # the family's own visits
    audit_record(
        actor=romero.user,
        action=Action.MESSAGE,
        child=child,
        data_category="case_notes",
        purpose="care_coordination",
        object_type="case_message",
        object_id=1,
    )
    outsider = ProviderFactory(name="Pat Outsider")
    audit_denied(
        actor=outsider.user, action=Action.VIEW, child_id=child.pk, object_type="referral", object_id=9
    )
    audit_record(actor=None, action=Action.VIEW, child=child, object_type="access_log", object_id=child.pk)

    page = client.get(f"/portal/children/{child.pk}/access-log/")
    main = _main(page)
    others = main[: main.index("Your family's own visits")]
    assert "Sent a message to the care team" in others and "to coordinate care" in others
    assert "Case notes and care-team messages" in others
    assert re.search(r"Refused</span> Tried: Viewed a referral", others)
    assert outsider.user.get_full_name() in others and "(care provider)" in others
    assert "Someone not signed in" in others
    assert "the family page" not in others, "the family's own visits are not among other people's"
    assert re.search(r"Your family's own visits are hidden \(\d+\)", main)
    for code in CODES:
        assert code not in main

    shown = _main(client.get(f"/portal/children/{child.pk}/access-log/?own=1"))
    own = shown[shown.index("Your family's own visits") :]
    assert "Viewed the family page" in own and ">You <" in own.replace("</span>", "<")

    spanish = _main(client.get(f"/portal/children/{child.pk}/access-log/?lang=es"))
    assert "Quién ha visto la información de Sam" in spanish
    assert "Rechazado" in spanish and "Envió un mensaje al equipo de atención" in spanish


def test_a_consent_signed_in_spanish_keeps_its_spanish_text_and_version(client, family):
    guardian, child = family
    romero = ProviderFactory(name="Lucia Romero")
    client.force_login(guardian.user)
    share = f"/portal/children/{child.pk}/share/"
    scope = {
        "recipient_provider": romero.pk,
        "purposes": ["referral"],
        "data_categories": ["demographics"],
        "expires_on": (timezone.now().date() + datetime.timedelta(days=60)).isoformat(),
    }
    client.post("/i18n/setlang/", {"language": "es", "next": share})  # the switcher: Español
    review = client.post(share, {**scope, "step": "scope"})
    text = _text(review)
    assert "Qué se compartirá" in text and TEXT_VERSIONS["es"] in text
    stale = client.post(share, {**scope, "step": "sign", "text_version": "old", "password": PASSWORD})
    assert stale.status_code == 400 and not Consent.objects.exists()
    signed = client.post(
        share, {**scope, "step": "sign", "text_version": TEXT_VERSIONS["es"], "password": PASSWORD}
    )
    assert signed.status_code == 302
    consent = Consent.objects.get()
    assert (consent.text_language, consent.text_version) == ("es", TEXT_VERSIONS["es"])
    assert consent.signed_text.startswith("Autorización para compartir información")
    assert "Su derecho a revocarla" in consent.signed_text
    event = consent.events.get()
    assert event.detail["text_language"] == "es"


def test_the_api_signs_in_the_language_of_the_version_read(client, family):
    guardian, child = family
    romero = ProviderFactory()
    client.force_login(guardian.user)
    body = {
        "child": child.pk,
        "recipient_provider": romero.pk,
        "purposes": ["referral"],
        "data_categories": ["demographics"],
        "expires_on": (timezone.now().date() + datetime.timedelta(days=30)).isoformat(),
        "password": PASSWORD,
        "text_version": TEXT_VERSIONS["es"],
    }
    response = client.post("/api/v1/consents/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Consent.objects.get().text_language == "es"
    assert response.json()["text_version"] == TEXT_VERSIONS["es"]


def test_family_emails_go_out_in_the_family_language(family, grant):
    guardian, child = family
    update_preferences(guardian.user, preferred_language="es")
    provider = ProviderFactory()
    grant(guardian, child, provider=provider, expires_on=timezone.now().date() + datetime.timedelta(days=10))
    assert consents_notify_expiring() == 1
    notice = OutboxMessage.objects.get(kind="consent.expiring", channel="email")
    assert notice.language == "es"
    assert notice.subject == "Un permiso para compartir en Referral Hub vence pronto"
    assert "renuévelo aquí" in notice.body and child.first_name not in notice.body

    invitation, _ = invitation_create(
        actor=provider.user,
        family_name="",
        guardian_email="nueva@example.org",
        child_first_name="Ana",
        child_last_name="Lopez",
        child_date_of_birth=datetime.date(2025, 1, 5),
        preferred_language="es",
    )
    mail_row = OutboxMessage.objects.get(kind="invitation")
    assert (mail_row.language, mail_row.subject) == ("es", "Usted está invitado a Referral Hub")
    assert "Ana" not in mail_row.body
