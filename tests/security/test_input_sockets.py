"""Sockets. Finding 12: a page may open a socket only from an origin that matches in
scheme, host and port. Also seen: refused sockets are told why with the close codes
of the contract (4401, 4403), and ``read`` frames are rate-limited."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework.authtoken.models import Token

from messaging.models import ReadMarker
from tests.factories.directory import ProviderFactory
from tests.factories.messaging import care_team, stored_message
from tests.messaging.conftest import close_code, in_memory_layer  # noqa: F401 (fixture)
from tests.ws import handshake

pytestmark = pytest.mark.django_db(transaction=True)
db = sync_to_async


def socket(path: str, *, origin: str | None, host: str, token: str | None = None, scheme: str = "ws"):
    from referral_hub.asgi import application

    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if token:
        headers.append((b"authorization", f"Token {token}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    communicator.scope["scheme"] = scheme
    return communicator


async def outcome(communicator) -> str | int:
    try:
        return await handshake(communicator)
    finally:
        await communicator.disconnect()


@pytest.fixture
def local_only(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    settings.CSRF_TRUSTED_ORIGINS = []
    return settings


async def test_the_origin_must_match_scheme_host_and_port(local_only):
    async def from_origin(origin, **kwargs):
        return await outcome(socket("/ws/notifications/", origin=origin, host="127.0.0.1:8000", **kwargs))

    # The socket's own origin passes the Origin check (then 4401: nobody signed in).
    assert await from_origin("http://127.0.0.1:8000") == 4401
    # Same host, another scheme or port: another origin, refused at the handshake.
    assert await from_origin("https://127.0.0.1:9999") == "http_403"
    assert await from_origin("https://127.0.0.1:8000") == "http_403"
    assert await from_origin("http://127.0.0.1:9999") == "http_403"
    assert await from_origin("http://127.0.0.1") == "http_403"
    assert await from_origin(None) == "http_403"
    assert await from_origin("null") == "http_403"
    # Over TLS the socket's origin is https.
    assert await from_origin("https://127.0.0.1:8000", scheme="wss") == 4401
    assert await from_origin("http://127.0.0.1:8000", scheme="wss") == "http_403"


async def test_a_host_outside_allowed_hosts_is_refused_even_as_its_own_origin(local_only):
    communicator = socket("/ws/notifications/", origin="http://evil.example:8000", host="evil.example:8000")
    assert await outcome(communicator) == "http_403"


async def test_csrf_trusted_origins_are_accepted_exactly(local_only):
    local_only.CSRF_TRUSTED_ORIGINS = ["https://hub.example.org", "https://*.example.net"]

    async def from_origin(origin):
        return await outcome(socket("/ws/notifications/", origin=origin, host="127.0.0.1:8000"))

    assert await from_origin("https://hub.example.org") == 4401
    assert await from_origin("https://hub.example.org:443") == 4401
    assert await from_origin("https://app.example.net") == 4401
    assert await from_origin("http://hub.example.org") == "http_403"
    assert await from_origin("https://hub.example.org:8443") == "http_403"
    assert await from_origin("https://hub.example.org.evil.example") == "http_403"


async def test_behind_a_tls_proxy_the_forwarded_scheme_counts_only_when_trusted(local_only):
    def behind_proxy():
        communicator = socket("/ws/notifications/", origin="https://127.0.0.1", host="127.0.0.1")
        communicator.scope["headers"].append((b"x-forwarded-proto", b"https"))
        return communicator

    assert await outcome(behind_proxy()) == "http_403"
    local_only.TRUSTED_PROXY_COUNT = 1
    assert await outcome(behind_proxy()) == 4401


async def test_refused_chat_sockets_are_told_why_with_the_contract_close_codes(in_memory_layer):  # noqa: F811
    team = await db(care_team)(1)
    outsider = await db(ProviderFactory)()
    key = (await db(Token.objects.create)(user=outsider.user)).key
    path = f"/ws/cases/{team.case.pk}/"
    anonymous = socket(path, origin="http://testserver", host="testserver")
    assert await outcome(anonymous) == 4401
    stranger = socket(path, origin="http://testserver", host="testserver", token=key)
    assert await outcome(stranger) == 4403


async def test_a_flood_of_read_frames_is_rate_limited_then_closed(in_memory_layer):  # noqa: F811
    team = await db(care_team)(1)
    message = await db(stored_message)(team)
    key = (await db(Token.objects.create)(user=team.users[0])).key
    communicator = socket(
        f"/ws/cases/{team.case.pk}/", origin="http://testserver", host="testserver", token=key
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    for _ in range(60):
        await communicator.send_to(text_data=json.dumps({"type": "read", "message_id": message.pk}))
    errors = []
    while True:
        output = await communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            code = output.get("code")
            break
        frame = json.loads(output["text"])
        if frame["type"] == "error":
            errors.append(frame["code"])
    # Five read frames a second are served; each one over is a violation, and the fifth
    # violation closes the socket (as for messages): the flood never reaches the database.
    assert (errors, code) == (["rate_limited"] * 5, 4429)
    assert await db(ReadMarker.objects.filter(user=team.users[0]).count)() == 1
    await communicator.disconnect()
