"""Opt-in where the number is entered: the family's settings page and "Ask for help".
Off by default; ticked, it is stored with the number and when it was agreed; a STOP
reply shows on the settings page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from people.models import AccountSettings
from people.preferences import text_number_for
from tests.texts.conftest import NUMBER, reply

pytestmark = pytest.mark.django_db


def _settings_form(client) -> str:
    response = client.get("/accounts/settings/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_settings_page_offers_texts_off_by_default_and_saves_the_choice(demo, texts, client):
    guardian = User.objects.get(username="guardian")
    client.force_login(guardian)
    page = _settings_form(client)
    assert "Text me updates" in page
    assert 'name="text_updates"' in page and 'name="text_updates" checked' not in page
    assert text_number_for(guardian) == ""

    base = {"time_zone": "America/Detroit", "preferred_language": "en", "referral_emails": "on"}
    refused = client.post("/accounts/settings/", {**base, "text_updates": "on", "text_number": ""})
    assert refused.status_code == 400
    assert "Enter the number to text" in refused.content.decode()
    wrong = client.post("/accounts/settings/", {**base, "text_updates": "on", "text_number": "12"})
    assert wrong.status_code == 400
    assert "not a number we can text" in wrong.content.decode()

    saved = client.post(
        "/accounts/settings/", {**base, "text_updates": "on", "text_number": "(313) 555-0142"}
    )
    assert saved.status_code == 302
    row = AccountSettings.objects.get(user=guardian)
    assert (row.text_number, row.text_updates) == (NUMBER, True)
    assert row.text_updates_since is not None

    reply(client, "STOP")
    assert "This number replied STOP" in _settings_form(client)
    # Turning texts off keeps nothing to text.
    client.post("/accounts/settings/", {**base, "text_number": NUMBER})
    guardian = User.objects.get(username="guardian")
    assert text_number_for(guardian) == ""


def test_a_provider_has_no_text_choice(demo, client):
    client.force_login(User.objects.get(username="pediatrician"))
    assert 'name="text_updates"' not in _settings_form(client)


def test_ask_for_help_offers_texts_off_by_default(demo, client):
    client.force_login(User.objects.get(username="guardian"))
    page = client.get("/help/ask/").content.decode()
    assert 'name="text_updates"' in page and "Text me updates at this number" in page
    assert 'name="text_updates" checked' not in page


def test_asking_for_help_with_texts_ticked_turns_texts_on_for_that_number(demo, texts, client):
    guardian = User.objects.get(username="guardian")
    client.force_login(guardian)
    body = {
        "child": demo["children"]["mateo"].pk,
        "provider": None,
        "concern": "Does not sleep through the night.",
        "preferred_language": "en",
        "contact_method": "email",
        "phone": "313-555-0142",
        "password": demo["password"],
    }
    unticked = client.post("/api/v1/requests/", body, content_type="application/json")
    assert unticked.status_code == 201, unticked.content
    assert text_number_for(User.objects.get(pk=guardian.pk)) == ""

    body["child"] = demo["children"]["lucia"].pk
    no_number = client.post(
        "/api/v1/requests/", {**body, "phone": "", "text_updates": True}, content_type="application/json"
    )
    assert no_number.status_code == 400 and no_number.json()["code"] == "phone_required"
    ticked = client.post("/api/v1/requests/", {**body, "text_updates": True}, content_type="application/json")
    assert ticked.status_code == 201, ticked.content
    assert text_number_for(User.objects.get(pk=guardian.pk)) == NUMBER
