"""Two deployments (or test runs) sharing one Redis on different database numbers must
not hear each other's case events: Redis pub/sub channels ignore the database number, so
the channel layer's prefix carries it (``referral_hub.settings._channel_prefix``)."""

from __future__ import annotations

import asyncio
from urllib.parse import urlparse, urlunparse

import pytest
from channels_redis.pubsub import RedisPubSubChannelLayer

from referral_hub.settings import _channel_prefix


def on_database(url: str, number: int) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{number}"))


def test_the_prefix_follows_the_redis_database_unless_set(monkeypatch):
    monkeypatch.delenv("CHANNEL_LAYER_PREFIX", raising=False)
    assert _channel_prefix("redis://127.0.0.1:6379/3") == "referral-hub-3"
    assert _channel_prefix("redis://127.0.0.1:6379") == "referral-hub-0"
    monkeypatch.setenv("CHANNEL_LAYER_PREFIX", "clinic-a")
    assert _channel_prefix("redis://127.0.0.1:6379/3") == "clinic-a"


@pytest.mark.asyncio
async def test_a_deployment_on_another_redis_database_never_receives_our_events(redis_url, monkeypatch):
    monkeypatch.delenv("CHANNEL_LAYER_PREFIX", raising=False)
    ours_url, theirs_url = on_database(redis_url, 11), on_database(redis_url, 12)
    ours = RedisPubSubChannelLayer(hosts=[ours_url], prefix=_channel_prefix(ours_url))
    theirs = RedisPubSubChannelLayer(hosts=[theirs_url], prefix=_channel_prefix(theirs_url))
    ours_again = RedisPubSubChannelLayer(hosts=[ours_url], prefix=_channel_prefix(ours_url))
    try:
        listener = await theirs.new_channel()
        await theirs.group_add("case-1", listener)
        own_listener = await ours_again.new_channel()
        await ours_again.group_add("case-1", own_listener)
        await asyncio.sleep(0.2)  # subscriptions are live

        await ours.group_send("case-1", {"type": "chat.message", "body": "health information"})

        # The same deployment (same prefix, another process) receives it...
        assert (await asyncio.wait_for(ours_again.receive(own_listener), 5))["body"] == "health information"
        # ...the other deployment never does.
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(theirs.receive(listener), 1)
    finally:
        for layer in (ours, theirs, ours_again):
            await layer.flush()
