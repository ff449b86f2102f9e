"""An account's time zone and language: set through the API, used by every page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def maria():
    return User.objects.create_user("maria", password="pw-maria-2026", first_name="María")


def test_me_patch_sets_time_zone_and_language(api_client, maria):
    api_client.force_authenticate(maria)
    response = api_client.patch(
        "/api/v1/me/", {"time_zone": "America/Chicago", "preferred_language": "es"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["time_zone"] == "America/Chicago"
    me = api_client.get("/api/v1/me/").json()
    assert (me["time_zone"], me["preferred_language"]) == ("America/Chicago", "es")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"time_zone": "Mars/Olympus"}, "invalid_time_zone"),
        ({"preferred_language": "fr"}, "invalid_language"),
    ],
)
def test_me_patch_refuses_unknown_values_and_keeps_the_old_ones(api_client, maria, body, code):
    api_client.force_authenticate(maria)
    api_client.patch("/api/v1/me/", {"time_zone": "America/Denver"}, format="json")
    response = api_client.patch("/api/v1/me/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert api_client.get("/api/v1/me/").json()["time_zone"] == "America/Denver"


def test_lang_parameter_serves_spanish_and_is_remembered(client):
    page = client.get("/verify/?lang=es")
    html = page.content.decode()
    assert '<html lang="es">' in html
    assert "Buscar ayuda" in html
    assert page.cookies["rh_language"].value == "es"
    # The next page, without the parameter, stays in Spanish (the cookie).
    again = client.get("/verify/").content.decode()
    assert '<html lang="es">' in again


def test_accept_language_header_and_account_preference(client, maria):
    assert (
        '<html lang="es">' in client.get("/verify/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").content.decode()
    )
    assert '<html lang="en">' in client.get("/verify/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    client.force_login(maria)
    client.get("/verify/?lang=es")
    maria.refresh_from_db()
    assert maria.account_settings.preferred_language == "es"
    # A new browser (no cookie, English header) still gets the account's language.
    client.cookies.clear()
    client.force_login(maria)
    assert '<html lang="es">' in client.get("/verify/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()


def test_pages_use_the_zone_but_the_api_stays_in_utc(api_client, maria):
    from django.utils import timezone

    maria_tz = "America/Los_Angeles"
    api_client.force_authenticate(maria)
    api_client.patch("/api/v1/me/", {"time_zone": maria_tz}, format="json")
    # An API answer with a time: the token endpoint's expiry is in UTC ("Z" or +00:00).
    maria.set_password("pw-maria-2026")
    maria.save()
    api_client.force_authenticate(None)
    body = api_client.post(
        "/api/v1/auth/token/", {"username": "maria", "password": "pw-maria-2026"}, format="json"
    ).json()
    assert body["expires_at"].endswith(("Z", "+00:00")), body["expires_at"]
    assert timezone.get_current_timezone_name() == "UTC"
