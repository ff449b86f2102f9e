"""Socket helpers: a signed-in (token) WebsocketCommunicator against the real ASGI
application, always disconnected at the end of the test."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator


@pytest.fixture
def in_memory_layer(settings):
    """Protocol tests use a fresh in-memory layer even when REDIS_URL is set: a Redis
    layer binds to the first test's event loop, and groups like ``case.1`` would be
    shared with whatever else uses that Redis. The real-Redis paths are covered by
    tests/messaging/test_scale_out.py."""
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
async def sockets(in_memory_layer):
    """``await sockets.open(user, case_id, after=None) -> (communicator, connected, code)``;
    ``sockets.notifications(user)`` likewise for ``/ws/notifications/``."""
    from referral_hub.asgi import application

    opened: list[WebsocketCommunicator] = []

    class Sockets:
        async def open(self, user, case_id, after=None, *, token=True):
            path = f"/ws/cases/{case_id}/" + (f"?after={after}" if after is not None else "")
            return await self._connect(user, path, token)

        async def notifications(self, user):
            return await self._connect(user, "/ws/notifications/", True)

        async def _connect(self, user, path, token):
            headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
            if user is not None and token:
                from rest_framework.authtoken.models import Token

                key = (await sync_to_async(Token.objects.get_or_create)(user=user))[0].key
                headers.append((b"authorization", f"Token {key}".encode()))
            communicator = WebsocketCommunicator(application, path, headers=headers)
            opened.append(communicator)
            connected, code = await communicator.connect(timeout=5)
            return communicator, connected, code

    yield Sockets()
    for communicator in opened:
        # Best-effort cleanup: a socket the server already closed may not disconnect cleanly.
        with contextlib.suppress(TimeoutError, asyncio.CancelledError, Exception):
            await communicator.disconnect(timeout=2)


async def next_frame(communicator, *types: str, timeout: float = 5):
    """The next frame of one of ``types``, skipping others (presence, typing...)."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if not types or frame["type"] in types:
            return frame


async def frames_until_quiet(communicator, *types: str, quiet: float = 0.3) -> list[dict]:
    """Every frame of ``types`` that arrives before the socket goes quiet."""
    got = []
    while True:
        try:
            frame = await communicator.receive_json_from(timeout=quiet)
        except TimeoutError:
            return got
        if not types or frame["type"] in types:
            got.append(frame)


async def close_code(communicator, timeout: float = 5) -> int:
    """Read past any frames until the server closes; the close code."""
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output.get("code")
