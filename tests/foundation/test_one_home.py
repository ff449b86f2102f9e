"""One home for each chore: a helper written once, in the lowest layer that every user
of it may import, and no module doing the chore by hand beside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import override_settings

from tests.factories.base import UserFactory
from tests.factories.directory import EndorsementFactory

ROOT = Path(__file__).resolve().parents[2]
SKIP_PARTS = {".venv", "tests", "bench", "migrations", "node_modules", "scripts"}


def project_modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if not SKIP_PARTS.intersection(p.relative_to(ROOT).parts))


def where(pattern: str) -> list[str]:
    regex = re.compile(pattern, re.MULTILINE)
    return [str(p.relative_to(ROOT)) for p in project_modules() if regex.search(p.read_text())]


# --- CSV renderer -------------------------------------------------------------------------


def test_the_csv_renderer_is_written_once_in_the_base():
    assert where(r"^class CsvRenderer\b") == ["referral_hub/renderers.py"]
    from audit.apis import AuditExportApi
    from indicators.apis import IndicatorsCsvApi
    from referral_hub.renderers import CsvRenderer

    assert CsvRenderer in AuditExportApi.renderer_classes
    assert CsvRenderer in IndicatorsCsvApi.renderer_classes


@pytest.mark.django_db
def test_a_refused_csv_export_says_why(client):
    client.force_login(UserFactory())
    for url in ("/api/v1/audit/export/", "/api/v1/indicators/export.csv"):
        response = client.get(url, HTTP_ACCEPT="text/csv")
        assert response.status_code == 403
        assert response.json()["code"], "the reason travels, as JSON"


# --- absolute links -----------------------------------------------------------------------


def test_no_module_builds_an_absolute_link_by_hand():
    """``SITE_URL`` is read by ``referral_hub.sitelinks`` alone (and set in settings)."""
    readers = set(where(r"\bSITE_URL\b")) - {"referral_hub/settings.py", "referral_hub/sitelinks.py"}
    assert not readers, f"use referral_hub.sitelinks.absolute_url in {sorted(readers)}"


@pytest.mark.parametrize("base", ["https://hub.example.org", "https://hub.example.org/"])
def test_a_base_url_with_or_without_a_trailing_slash_makes_one_slash(base):
    from referral_hub.sitelinks import absolute_url, site_url

    with override_settings(SITE_URL=base):
        assert site_url() == "https://hub.example.org"
        assert absolute_url("/referrals/7/") == "https://hub.example.org/referrals/7/"
        assert absolute_url("verify/?credential=X") == "https://hub.example.org/verify/?credential=X"


@pytest.mark.django_db
@override_settings(SITE_URL="https://hub.example.org/")
def test_the_fhir_credential_system_has_no_double_slash(client):
    endorsement = EndorsementFactory(credential_number="MI-IMH-5150")
    body = client.get(f"/fhir/Practitioner/{endorsement.provider_id}").json()
    [identifier] = body["qualification"][0]["identifier"]
    assert identifier["system"] == "https://hub.example.org/verify"
    assert identifier["value"] == "MI-IMH-5150"


# --- the language a person reads ----------------------------------------------------------


def test_one_function_answers_which_language_a_person_reads():
    """``people.preferences.language_of`` alone; nothing else reads the account's
    language (the outbox used to, by attribute name, with its own fallback)."""
    assert where(r"^def (language_of|family_language|_lang|user_language)\b") == ["people/preferences.py"]
    readers = set(
        where(r"getattr\([^)]*[\"']account_settings|\buser\.account_settings\b|\bAccountSettings\b")
    )
    readers -= {"people/models.py", "people/preferences.py"}
    assert not readers, f"ask people.preferences.language_of in {sorted(readers)}"


@pytest.mark.django_db
def test_the_language_fallback_order_is_account_then_what_the_caller_knows_then_english():
    from people.preferences import language_of, update_preferences

    user = UserFactory()
    assert language_of(None) == "en"
    assert language_of(user) == "en", "no choice, nothing known: the site's default"
    assert language_of(user, "es-MX") == "es", "what the caller knows, by its language"
    assert language_of(user, "fr") == "en", "a language the site does not serve is skipped"
    update_preferences(user, preferred_language="es")
    assert language_of(user, "en") == "es", "the account's own choice comes first"
    assert language_of(None, "es") == "es"


# --- libraries: each installed app is used -----------------------------------------------


def test_every_third_party_app_installed_is_used():
    """An app listed in INSTALLED_APPS but used nowhere is a dependency to patch for
    nothing (django-filter was: pinned and installed, imported by no module)."""
    from django.conf import settings

    settings_text = (ROOT / "referral_hub" / "settings.py").read_text()
    outside_the_list = re.sub(r"INSTALLED_APPS = \[.*?\n\]", "", settings_text, flags=re.DOTALL)
    used_through = {"drf_spectacular_sidecar": "SIDECAR"}  # Swagger UI's files, by setting
    own = {p.parent.name for p in ROOT.glob("*/apps.py")}
    unused = []
    for app in settings.INSTALLED_APPS:
        package = app.split(".")[0]
        if package in own or package == "django":
            continue
        imported = where(rf"^\s*(from|import) {package}\b")
        if not imported and used_through.get(package, package) not in outside_the_list:
            unused.append(app)
    assert not unused, f"installed but used nowhere: {unused}"
    requirements = (ROOT / "requirements.txt").read_text()
    assert "django-filter" not in requirements
