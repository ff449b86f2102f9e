"""An account's time zone and language: set through the API, used by every page."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from people.models import AccountSettings

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


def test_lang_parameter_shows_spanish_once_and_writes_nothing(client, maria):
    page = client.get("/verify/?lang=es")
    html = page.content.decode()
    assert '<html lang="es">' in html
    assert "Buscar ayuda" in html
    assert "rh_language" not in page.cookies, "a GET sets no language cookie"
    assert '<html lang="en">' in client.get("/verify/").content.decode(), "the next page: as before"
    client.force_login(maria)
    client.get("/verify/?lang=es")
    assert maria_language(maria) == "", "a GET never writes the account's language"


def maria_language(user: User) -> str:
    row = AccountSettings.objects.filter(user=user).first()
    return row.preferred_language if row else ""


def test_the_switcher_is_a_post_form_with_two_buttons(client):
    html = client.get("/accounts/login/?lang=es&next=/portal/").content.decode()
    form = re.search(r'<form class="language-switch"[^>]*>(.*?)</form>', html, re.DOTALL)
    assert form is not None
    assert 'method="post" action="/i18n/setlang/"' in form.group(0)
    assert 'aria-label="Idioma"' in form.group(0)
    assert "csrfmiddlewaretoken" in form.group(1)
    assert '<input type="hidden" name="next" value="/accounts/login/?next=%2Fportal%2F">' in form.group(1)
    buttons = re.findall(
        r'<button type="submit" name="language" value="(\w+)" lang="\w+" aria-pressed="(\w+)">([^<]+)</button>',
        form.group(1),
    )
    assert buttons == [("en", "false", "English"), ("es", "true", "Español")], "each in its own language"


def test_switching_remembers_the_language_in_the_browser(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/verify/"})
    assert response.status_code == 302 and response["Location"] == "/verify/"
    assert response.cookies["rh_language"].value == "es"
    assert '<html lang="es">' in client.get("/verify/").content.decode()
    assert client.get("/i18n/setlang/?language=en").status_code == 405, "a GET changes nothing"
    assert '<html lang="es">' in client.get("/verify/").content.decode()


def test_switching_while_signed_in_saves_the_account_language(client, maria):
    client.force_login(maria)
    client.post("/i18n/setlang/", {"language": "es", "next": "/verify/"})
    assert maria_language(maria) == "es"
    # A new browser (no cookie, English header) still gets the account's language.
    client.cookies.clear()
    client.force_login(maria)
    assert '<html lang="es">' in client.get("/verify/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    client.post("/i18n/setlang/", {"language": "fr", "next": "/verify/"})
    assert maria_language(maria) == "es", "a language the site does not serve changes nothing"


def test_the_switcher_refuses_a_post_without_the_csrf_token(maria):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(maria)
    assert strict.post("/i18n/setlang/", {"language": "es"}).status_code == 403
    assert maria_language(maria) == ""


def test_accept_language_header_and_account_preference(client, maria):
    assert (
        '<html lang="es">' in client.get("/verify/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").content.decode()
    )
    assert '<html lang="en">' in client.get("/verify/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()


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
