"""The project's channel layer: channels-redis' pub/sub layer plus ``group_send_many``.

A chat send tells the case group and, on their user groups, every other member
(``referral_hub.realtime.send_events_now``). channels-redis publishes one message per
``group_send`` under a per-connection lock, so 100 members meant 100 Redis round trips
one after another, and the next message of the case waited behind them. Here a batch
is one pipelined round trip per Redis shard, in order. channels-redis is pinned
(requirements.txt); the pieces used below are checked at the first call and, if they
ever change, the batch falls back to plain ``group_send``s.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from channels_redis.pubsub import RedisPubSubChannelLayer

log = logging.getLogger(__name__)


class PubSubChannelLayer(RedisPubSubChannelLayer):  # type: ignore[misc]  # channels-redis ships no type information
    async def group_send_many(self, events: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
        """Publish ``(group, event)`` pairs in order, one pipeline per shard."""
        layer = self._get_layer()
        by_shard: dict[Any, list[tuple[str, bytes]]] = {}
        for group, event in events:
            channel = layer._get_group_channel_name(group)
            by_shard.setdefault(layer._get_shard(channel), []).append((channel, self.serialize(dict(event))))
        for shard, items in by_shard.items():
            if not all(hasattr(shard, name) for name in ("_lock", "_ensure_redis", "_redis")):
                for channel, data in items:  # pragma: no cover - channels-redis changed its internals
                    await shard.publish(channel, data)
                continue
            async with shard._lock:
                shard._ensure_redis()
                pipe = shard._redis.pipeline(transaction=False)
                for channel, data in items:
                    pipe.publish(channel, data)
                await pipe.execute()
