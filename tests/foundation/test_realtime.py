"""Events reach sockets only after commit; the notifications socket forwards what is
addressed to its user and closes on force.close (logout)."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client

from referral_hub import events
from referral_hub.asgi import application
from referral_hub.realtime import send_event_on_commit, user_group
from tests.ws import handshake

pytestmark = pytest.mark.django_db(transaction=True)


async def _socket_for(user: User, path: str = "/ws/notifications/") -> WebsocketCommunicator:
    client = Client()
    await sync_to_async(client.force_login)(user)
    headers = [
        (b"origin", b"http://testserver"),
        (b"host", b"testserver"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    return communicator, client


@pytest.fixture
def alice():
    return User.objects.create_user("alice", password="pw-alice-2026")


async def test_notification_arrives_after_commit_and_not_on_rollback(alice):
    socket, _ = await _socket_for(alice)
    try:

        @sync_to_async
        def rolled_back():
            with transaction.atomic():
                send_event_on_commit(
                    user_group(alice.pk), events.notify(kind="referral.received", payload={"referral_id": 1})
                )
                transaction.set_rollback(True)

        await rolled_back()
        assert await socket.receive_nothing(timeout=0.3)

        @sync_to_async
        def committed():
            with transaction.atomic():
                send_event_on_commit(
                    user_group(alice.pk), events.notify(kind="referral.received", payload={"referral_id": 2})
                )

        await committed()
        message = await socket.receive_json_from(timeout=2)
        assert message == {"type": "notify", "kind": "referral.received", "payload": {"referral_id": 2}}
    finally:
        await socket.disconnect()


async def test_other_users_notifications_do_not_leak(alice):
    bob = await sync_to_async(User.objects.create_user)("bob", password="pw-bob-2026")
    socket, _ = await _socket_for(alice)
    try:
        await sync_to_async(send_event_on_commit)(
            user_group(bob.pk), events.notify(kind="referral.received", payload={"referral_id": 3})
        )
        assert await socket.receive_nothing(timeout=0.3)
    finally:
        await socket.disconnect()


async def test_logout_closes_the_users_sockets(alice):
    socket, client = await _socket_for(alice)
    await sync_to_async(client.post)("/accounts/logout/")
    output = await socket.receive_output(timeout=2)
    assert output == {"type": "websocket.close", "code": 4403}


async def test_client_frames_get_an_error_not_a_crash(alice):
    socket, _ = await _socket_for(alice)
    try:
        await socket.send_json_to({"type": "anything"})
        reply = await socket.receive_json_from(timeout=2)
        assert reply["type"] == "error" and reply["code"] == "read_only"
    finally:
        await socket.disconnect()


async def test_foreign_origin_is_refused(alice):
    communicator = WebsocketCommunicator(
        application,
        "/ws/notifications/",
        headers=[(b"origin", b"http://evil.example"), (b"host", b"testserver")],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert not connected
    await communicator.disconnect()


async def test_token_authenticates_non_browser_clients(alice):
    from rest_framework.authtoken.models import Token

    token = await sync_to_async(Token.objects.create)(user=alice)
    communicator = WebsocketCommunicator(
        application,
        "/ws/notifications/",
        headers=[
            (b"origin", b"http://testserver"),
            (b"host", b"testserver"),
            (b"authorization", f"Token {token.key}".encode()),
        ],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    await get_channel_layer().group_send(
        user_group(alice.pk), {"type": "notify", "kind": "ping", "payload": {}}
    )
    assert (await communicator.receive_json_from(timeout=2))["kind"] == "ping"
    await communicator.disconnect()
    bad = WebsocketCommunicator(
        application,
        "/ws/notifications/",
        headers=[
            (b"origin", b"http://testserver"),
            (b"host", b"testserver"),
            (b"authorization", b"Token nope"),
        ],
    )
    assert await handshake(bad) == 4401
    await bad.disconnect()
