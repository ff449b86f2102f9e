"""Signing in as people do: links to family sign-up and password reset on the login
page, each role landing on its own start page (unless ``next`` says otherwise), the
reset mail through the outbox in the account's language, the account settings page
(time zone and language), and the account's zone on every page and in the API."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail

from outbox.models import REDACTED_BODY, OutboxMessage
from outbox.services import outbox_deliver_due
from people.preferences import time_zone_of, update_preferences

pytestmark = pytest.mark.django_db


def _sign_in(client, username: str, **extra):
    return client.post(
        "/accounts/login/", {"username": username, "password": settings.DEMO_PASSWORD, **extra}
    )


def test_the_login_page_links_to_family_sign_up_and_password_reset(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/register/"' in html and "Create a family account" in html
    assert 'href="/accounts/password/reset/"' in html and "Forgot your password?" in html
    spanish = client.get("/accounts/login/?lang=es").content.decode()
    assert "Crear una cuenta familiar" in spanish and "¿Olvidó su contraseña?" in spanish


@pytest.mark.parametrize(
    ("username", "home"),
    [
        ("guardian", "/portal/"),
        ("pediatrician", "/dashboard/"),
        ("curator", "/curate/"),
        ("network_lead", "/indicators/"),
    ],
)
def test_each_role_lands_on_its_own_start_page(client, demo, username, home):
    response = _sign_in(client, username)
    assert (response.status_code, response["Location"]) == (302, home)


def test_next_wins_over_the_role_home_but_only_on_this_site(client, demo):
    assert _sign_in(client, "guardian", next="/portal/referrals/")["Location"] == "/portal/referrals/"
    client.logout()
    assert _sign_in(client, "guardian", next="https://evil.example/")["Location"] == "/portal/"


def test_password_reset_mail_goes_through_the_outbox_in_the_accounts_language(client, demo):
    from django.contrib.auth.models import User

    guardian = User.objects.get(username="guardian")
    update_preferences(guardian, preferred_language="es")
    response = client.post("/accounts/password/reset/", {"email": guardian.email})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    row = OutboxMessage.objects.get(kind="password_reset", recipient_id=guardian.pk)
    assert (row.language, row.to_address) == ("es", guardian.email)
    assert row.subject == "Restablezca su contraseña de Referral Hub"
    assert "/accounts/password/reset/" not in row.body, "the link is made when the mail is sent"
    # An unknown address gets the same answer and no mail.
    assert client.post("/accounts/password/reset/", {"email": "nobody@example.test"}).status_code == 302
    assert OutboxMessage.objects.filter(kind="password_reset").count() == 1

    outbox_deliver_due()
    assert [m.to for m in mail.outbox] == [[guardian.email]]
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", mail.outbox[0].body).group(0)
    # Once sent, the database keeps no usable reset link (nor the token, even in the key).
    row.refresh_from_db()
    assert row.body == REDACTED_BODY and link not in row.key

    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert "Choose a new password" in form.content.decode()  # the reader's language (English here)
    done = client.post(
        form.request["PATH_INFO"],
        {"new_password1": "a-long-new-secret-2026", "new_password2": "a-long-new-secret-2026"},
        follow=True,
    )
    assert done.status_code == 200
    guardian.refresh_from_db()
    assert guardian.check_password("a-long-new-secret-2026")


def test_account_settings_page_sets_zone_and_language(client, demo):
    from django.contrib.auth.models import User

    provider = User.objects.get(username="slp")
    client.force_login(provider)
    page = client.get("/dashboard/").content.decode()
    assert 'href="/accounts/settings/"' in page  # reachable from every page's header
    form = client.get("/accounts/settings/").content.decode()
    assert '<option value="America/Chicago"' in form and 'href="/accounts/password/change/"' in form
    response = client.post(
        "/accounts/settings/", {"time_zone": "America/Los_Angeles", "preferred_language": "es"}, follow=True
    )
    assert "Su configuración se guardó." in response.content.decode()
    provider.refresh_from_db()
    assert time_zone_of(provider) == "America/Los_Angeles"
    refused = client.post("/accounts/settings/", {"time_zone": "Mars/Olympus", "preferred_language": "en"})
    assert refused.status_code == 400
    assert time_zone_of(User.objects.get(username="slp")) == "America/Los_Angeles"


def test_an_account_without_a_zone_asks_the_browser_and_the_api_stays_utc(client, api_client, demo):
    from django.contrib.auth.models import User

    guardian = User.objects.get(username="guardian")
    client.force_login(guardian)
    html = client.get("/portal/").content.decode()
    assert 'data-time-zone-missing="1"' in html and "people/timezone.js" in html
    assert '<meta name="csrf-token"' in html
    update_preferences(guardian, time_zone="Asia/Tokyo")
    assert 'data-time-zone-missing="1"' not in client.get("/portal/").content.decode()
    # Pages render in the account's zone; the API answers in UTC whatever the account says.
    api_client.force_authenticate(guardian)
    body = api_client.get("/api/v1/referrals/").json()
    stamps = [r["sent_at"] for r in body["results"] if r.get("sent_at")]
    assert stamps and all(s.endswith("Z") or s.endswith("+00:00") for s in stamps)
