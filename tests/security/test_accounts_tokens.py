"""Also seen: API tokens expire (``API_TOKEN_TTL_DAYS``, default 30) and signing out
revokes the account's token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.ws import handshake

PASSWORD = "correct-horse-battery"


@pytest.fixture
def alice(db):
    return User.objects.create_user("alice", password=PASSWORD)


def token_for(api_client) -> dict:
    answer = api_client.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD})
    assert answer.status_code == 200
    return answer.json()


def age(key: str, days: int) -> None:
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=days))


@pytest.mark.django_db
def test_a_token_works_for_thirty_days_then_is_refused(api_client, alice):
    issued = token_for(api_client)
    assert abs(
        timezone.datetime.fromisoformat(issued["expires_at"].replace("Z", "+00:00"))
        - (timezone.now() + timedelta(days=30))
    ) < timedelta(minutes=1)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issued['token']}")
    age(issued["token"], 29)
    assert api_client.get("/api/v1/me/").status_code == 200
    age(issued["token"], 31)
    refused = api_client.get("/api/v1/me/")
    assert (refused.status_code, refused.json()["code"]) == (403, "token_expired")
    api_client.credentials()
    fresh = token_for(api_client)
    assert fresh["token"] != issued["token"]


@pytest.mark.django_db
def test_the_lifetime_is_a_setting(api_client, alice, settings):
    settings.API_TOKEN_TTL_DAYS = 1
    issued = token_for(api_client)
    age(issued["token"], 2)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issued['token']}")
    assert api_client.get("/api/v1/me/").status_code == 403


@pytest.mark.django_db
def test_signing_out_revokes_the_token(api_client, client, alice):
    issued = token_for(api_client)
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    client.post("/accounts/logout/")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issued['token']}")
    assert api_client.get("/api/v1/me/").status_code == 403
    assert not Token.objects.filter(user=alice).exists()


@pytest.mark.django_db(transaction=True)
async def test_an_expired_token_opens_no_socket(alice):
    from referral_hub.asgi import application

    token = await sync_to_async(Token.objects.create)(user=alice)
    await sync_to_async(age)(token.key, 31)
    socket = WebsocketCommunicator(
        application,
        "/ws/notifications/",
        headers=[
            (b"origin", b"http://testserver"),
            (b"host", b"testserver"),
            (b"authorization", f"Token {token.key}".encode()),
        ],
    )
    assert await handshake(socket) == 4401
    await socket.disconnect()
