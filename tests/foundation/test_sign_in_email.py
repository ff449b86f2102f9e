"""Sign-in asks for what people have: an e-mail address (issue 25). The field says
"E-mail" ("Correo electrónico"); an address signs in however it is capitalised, on the
page and for an API token; a login name (demo and staff accounts) still works; an
address two accounts share signs in neither by the address."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


def _label(html: str) -> str:
    found = re.search(r'<label for="id_username">([^<]*)</label>', html)
    assert found, html
    return found.group(1)


def _sign_in(client, username: str, password: str = settings.DEMO_PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_the_sign_in_field_is_named_e_mail_in_both_languages(client):
    assert _label(client.get("/accounts/login/").content.decode()) == "E-mail"
    assert _label(client.get("/accounts/login/?lang=es").content.decode()) == "Correo electrónico"
    wrong = _sign_in(client, "nobody@example.org", "wrong-password-1").content.decode()
    assert "e-mail address and password did not match" in wrong


def test_an_address_signs_in_however_it_is_capitalised(client, demo):
    User.objects.create_user("ana.ruiz@example.org", "ana.ruiz@example.org", "a-long-passphrase-9")
    response = _sign_in(client, "  Ana.Ruiz@Example.ORG ", "a-long-passphrase-9")
    assert (response.status_code, response["Location"]) == (302, "/")
    client.logout()
    # A demo account by its address, and by its login name.
    assert _sign_in(client, "Guardian@Demo.Invalid")["Location"] == "/portal/"
    client.logout()
    assert _sign_in(client, "guardian")["Location"] == "/portal/"


def test_an_api_token_is_issued_for_an_address_too(api_client, demo):
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "PEDIATRICIAN@demo.invalid", "password": settings.DEMO_PASSWORD},
        format="json",
    )
    assert response.status_code == 200, response.content


def test_an_address_two_accounts_share_signs_in_neither(client, db):
    User.objects.create_user("first", "shared@example.org", "a-long-passphrase-9")
    User.objects.create_user("second", "Shared@example.org", "a-long-passphrase-9")
    response = _sign_in(client, "shared@example.org", "a-long-passphrase-9")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert _sign_in(client, "first", "a-long-passphrase-9").status_code == 302
