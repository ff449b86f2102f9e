"""Signing in: tokens for programs, sessions for people, lockout after 5 failures."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return User.objects.create_user("alice", password="correct-horse-battery", first_name="Alice")


def test_token_for_good_credentials_then_me(api_client, alice):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/").json()
    assert me == {
        "id": alice.pk,
        "username": "alice",
        "name": "Alice",
        "roles": [],
        "provider": None,
        "time_zone": "",
        "preferred_language": "",
        "referral_emails": True,
    }


def test_bad_credentials_are_a_clear_400(api_client, alice):
    response = api_client.post("/api/v1/auth/token/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_missing_fields_name_the_field(api_client):
    response = api_client.post("/api/v1/auth/token/", {"username": "alice"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "password" in body["detail"]


def test_me_requires_authentication(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_five_failures_lock_the_username_from_that_address(api_client, alice):
    for _ in range(5):
        api_client.post("/api/v1/auth/token/", {"username": "alice", "password": "wrong"})
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "correct-horse-battery"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "locked_out"
    # Another address is not locked out of the same username.
    other = api_client.post(
        "/api/v1/auth/token/",
        {"username": "alice", "password": "correct-horse-battery"},
        REMOTE_ADDR="10.9.8.7",
    )
    assert other.status_code == 200


def test_web_login_and_logout(client, alice):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert b'<label for="id_username">' in page.content
    response = client.post("/accounts/login/", {"username": "alice", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "alice"
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


def test_request_id_is_echoed(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    assert client.get("/healthz")["X-Request-ID"]


def test_openapi_schema_and_offline_swagger(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


def test_navigation_shows_each_role_its_places_and_badges(client, demo):
    client.force_login(demo["users"]["slp"])
    html = client.get("/").content.decode()
    assert 'href="/dashboard/"' in html and 'href="/portal/provider/"' in html
    assert 'href="/portal/"' not in html and 'href="/curate/"' not in html
    # The demo has a referral waiting for the SLP: the badge shows the count.
    from referrals.selectors import referral_counts

    waiting = referral_counts(actor=demo["users"]["slp"])["waiting_for_you"]
    assert waiting > 0
    assert f'data-badge="waiting" data-count="{waiting}"' in html
    label = "referral waiting for you" if waiting == 1 else "referrals waiting for you"
    assert f'<span class="visually-hidden" data-badge-label>{waiting} {label}</span>' in html

    client.force_login(demo["users"]["guardian"])
    html = client.get("/").content.decode()
    assert 'href="/portal/"' in html and 'href="/portal/referrals/"' in html
    assert 'href="/dashboard/"' not in html

    client.force_login(demo["users"]["curator"])
    html = client.get("/").content.decode()
    assert 'href="/curate/"' in html and 'href="/audit/export/"' in html


def test_anonymous_navigation_offers_search_and_sign_in(client):
    html = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in html
    assert 'href="/dashboard/"' not in html


def test_overlong_username_is_refused_cleanly(api_client):
    response = api_client.post("/api/v1/auth/token/", {"username": "u" * 300, "password": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "username" in response.json()["detail"]
