"""Case events reach a process's chat sockets through ONE subscription per case per
process (``messaging.fanout``), delivered locally: issue 29's fan-out that does not pay
per-socket channel-layer costs. Two processes' worth of sockets here are two Redis
pub/sub layer instances (each its own connections and subscriptions, as two daphne
processes have), each serving its own copy of the real consumer; real Redis, real
database. The same guarantees as before: every member gets each message once and in
order, a member whose consent is revoked is closed and gets nothing more."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator

from consent.services import consent_revoke
from messaging import fanout
from messaging.models import Message
from tests.factories.messaging import care_team
from tests.messaging.conftest import close_code, frames_until_quiet, next_frame

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

db = sync_to_async
SECOND = "second_process"


@pytest.fixture
def two_processes(settings, redis_url):
    """Two pub/sub layers on one Redis with a prefix of this test's own."""
    config = {
        "BACKEND": "referral_hub.layers.PubSubChannelLayer",
        "CONFIG": {"hosts": [redis_url], "prefix": f"rh-test-fanout-{uuid.uuid4().hex[:10]}"},
    }
    settings.CHANNEL_LAYERS = {"default": config, SECOND: dict(config)}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def _application(alias: str):
    """The project's socket stack (token auth, routing) with the chat consumer on the
    layer ``alias``: one "process"."""
    from channels.auth import AuthMiddlewareStack
    from channels.routing import URLRouter
    from django.urls import path

    from messaging.consumers import CaseChatConsumer
    from referral_hub.ws_auth import TokenAuthMiddleware

    # The consumer unchanged but for the layer it uses (Channels ignores as_asgi kwargs).
    consumer = type("ProcessConsumer", (CaseChatConsumer,), {"channel_layer_alias": alias})
    return AuthMiddlewareStack(
        TokenAuthMiddleware(URLRouter([path("ws/cases/<int:case_id>/", consumer.as_asgi())]))
    )


@pytest.fixture
async def process_sockets(two_processes):
    apps = {"default": _application("default"), SECOND: _application(SECOND)}
    opened: list[WebsocketCommunicator] = []

    async def open_socket(user, case_id: int, process: str) -> WebsocketCommunicator:
        from rest_framework.authtoken.models import Token

        key = (await db(Token.objects.get_or_create)(user=user))[0].key
        headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
        headers.append((b"authorization", f"Token {key}".encode()))
        communicator = WebsocketCommunicator(apps[process], f"/ws/cases/{case_id}/", headers=headers)
        opened.append(communicator)
        connected, _ = await communicator.connect(timeout=5)
        assert connected
        return communicator

    yield open_socket
    for communicator in opened:
        with contextlib.suppress(TimeoutError, asyncio.CancelledError, Exception):
            await communicator.disconnect(timeout=2)
    for alias in ("default", SECOND):
        with contextlib.suppress(Exception):
            await get_channel_layer(alias).flush()


def send_frame(body: str) -> dict:
    return {"type": "message.send", "body": body, "client_msg_id": str(uuid.uuid4())}


async def _messages(socket, count: int) -> list[dict]:
    got = [(await next_frame(socket, "message.new", timeout=10))["message"] for _ in range(count)]
    return got + [f["message"] for f in await frames_until_quiet(socket, "message.new", quiet=0.5)]


async def test_members_on_two_processes_get_every_message_once_in_order(process_sockets):
    team = await db(care_team)(4)
    case_id = team.case.pk
    sockets = [
        await process_sockets(user, case_id, "default" if i < 2 else SECOND)
        for i, user in enumerate(team.users)
    ]
    # Each process delivers to its own two sockets through one subscription to the case.
    assert len(fanout.case_sockets(get_channel_layer(), case_id)) == 2
    assert len(fanout.case_sockets(get_channel_layer(SECOND), case_id)) == 2
    # Two authors on different processes, sending without waiting for each other.
    authors = (sockets[0], sockets[2])
    for n in range(8):
        await authors[n % 2].send_json_to(send_frame(f"note {n}"))
    stored = await db(lambda: list(Message.objects.filter(case_id=case_id).order_by("seq")))()
    for socket in sockets:
        received = await _messages(socket, 8)
        stored = await db(lambda: list(Message.objects.filter(case_id=case_id).order_by("seq")))()
        assert [m["id"] for m in received] == [m.pk for m in stored]
        assert [m["seq"] for m in received] == list(range(1, 9))
    assert sorted(m.body for m in stored) == sorted(f"note {n}" for n in range(8))


async def test_a_revoked_member_on_the_other_process_is_closed_and_gets_nothing_more(process_sockets):
    team = await db(care_team)(3)
    case_id = team.case.pk
    alice = await process_sockets(team.users[0], case_id, "default")
    bob = await process_sockets(team.users[1], case_id, SECOND)
    carol = await process_sockets(team.users[2], case_id, SECOND)
    await alice.send_json_to(send_frame("before"))
    for socket in (alice, bob, carol):
        assert (await next_frame(socket, "message.new"))["message"]["body"] == "before"

    await db(consent_revoke)(actor=team.guardian.user, consent_id=team.consents[team.providers[1].pk].pk)
    assert await close_code(bob) == 4403
    # Bob's process no longer delivers to him; Carol, on the same process, stays.
    assert len(fanout.case_sockets(get_channel_layer(SECOND), case_id)) == 1
    await alice.send_json_to(send_frame("after"))
    for socket in (alice, carol):
        assert (await next_frame(socket, "message.new"))["message"]["body"] == "after"
    await bob.receive_nothing(timeout=0.3)
    # The last socket of a case leaving ends the process's subscription.
    await carol.disconnect()
    assert fanout.case_sockets(get_channel_layer(SECOND), case_id) == []


async def test_a_socket_busy_with_its_own_send_still_gets_every_message_in_order(process_sockets):
    """A socket handles one thing at a time (its backlog): the author's own messages and
    the others' interleave without loss, duplicate or reordering."""
    team = await db(care_team)(2)
    case_id = team.case.pk
    a = await process_sockets(team.users[0], case_id, "default")
    b = await process_sockets(team.users[1], case_id, "default")
    for n in range(5):
        await a.send_json_to(send_frame(f"a{n}"))
        await b.send_json_to(send_frame(f"b{n}"))
    for socket in (a, b):
        received = await _messages(socket, 10)
        assert [m["seq"] for m in received] == list(range(1, 11))
