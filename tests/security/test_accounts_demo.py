"""Finding 9: demo logins work only in development. With ``DJANGO_DEBUG=0`` they are
refused on every path (password sign-in, token exchange, a token or session issued
earlier), whatever the database holds."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from tests.security.conftest import get_json, post_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    settings.DEMO_LOGINS_ALLOWED = False  # what DJANGO_DEBUG=0 sets at start-up
    return settings


def test_demo_logins_are_refused_in_production(client, api_client, demo, production):
    for username in ("guardian", "pediatrician", "curator"):
        page = client.post("/accounts/login/", {"username": username, "password": demo["password"]})
        assert page.status_code == 200 and "_auth_user_id" not in client.session, username
        token = api_client.post("/api/v1/auth/token/", {"username": username, "password": demo["password"]})
        assert (token.status_code, token.json()["code"]) == (400, "invalid_credentials"), username


def test_a_renamed_demo_account_or_the_demo_password_is_refused_too(api_client, demo, production):
    renamed = demo["users"]["guardian"]
    renamed.username = "maria"
    renamed.save()
    answer = api_client.post("/api/v1/auth/token/", {"username": "maria", "password": demo["password"]})
    assert answer.status_code == 400
    User.objects.create_user("someone", email="someone@example.org", password=demo["password"])
    answer = api_client.post("/api/v1/auth/token/", {"username": "someone", "password": demo["password"]})
    assert answer.status_code == 400


def test_tokens_and_sessions_issued_before_are_refused(client, api_client, demo, production):
    token = Token.objects.create(user=demo["users"]["guardian"])
    client.force_login(demo["users"]["guardian"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    by_token = api_client.get("/api/v1/me/")
    assert (by_token.status_code, by_token.json()["code"]) == (403, "authentication_failed")
    by_session = client.get("/api/v1/me/")
    assert (by_session.status_code, by_session.json()["code"]) == (403, "not_authenticated")


def test_real_accounts_sign_in_in_production(api_client, production):
    User.objects.create_user("rosa", email="rosa@example.org", password="a-long-and-unusual-passphrase-42")
    answer = api_client.post(
        "/api/v1/auth/token/", {"username": "rosa", "password": "a-long-and-unusual-passphrase-42"}
    )
    assert answer.status_code == 200


def test_demo_logins_work_in_development(api_client, demo):
    answer = api_client.post("/api/v1/auth/token/", {"username": "guardian", "password": demo["password"]})
    assert answer.status_code == 200


@pytest.mark.services
def test_the_production_server_refuses_demo_logins_on_a_database_seeded_earlier(production_server):
    status, body = post_json(
        production_server + "/api/v1/auth/token/", {"username": "guardian", "password": "demo-pass-2026"}
    )
    assert (status, body["code"]) == (400, "invalid_credentials")
    status, _ = get_json(production_server + "/api/v1/me/")
    assert status in (401, 403)
