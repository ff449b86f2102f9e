"""Events to connected clients, sent only after the surrounding transaction commits.

Groups: ``case.<id>`` for a case's chat, ``user.<id>`` for everything addressed to one
user (notifications, and force-closing that user's sockets on revocation or logout).
The channel layer is at-most-once: nothing durable may depend on these events.
Only the events of ``referral_hub.events.Event`` may be sent: mypy refuses any other
shape (an unknown ``type`` would reach a consumer that has no handler for it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from referral_hub.events import Event

log = logging.getLogger(__name__)


def case_group(case_id: int) -> str:
    return f"case.{case_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def send_event_now(group: str, event: Event) -> None:
    """``event`` is built by one of the functions in ``referral_hub/events.py`` or
    ``messaging/events.py``."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, dict(event))
    except Exception:  # the layer being down must never undo a committed write
        log.exception("group_send to %s failed", group)


def send_event_on_commit(group: str, event: Event) -> None:
    """Queue ``event`` for ``group`` once the current transaction commits (at once if
    there is none); dropped if it rolls back."""
    transaction.on_commit(lambda: send_event_now(group, event))


async def _publish(layer: Any, events: Sequence[tuple[str, Event]]) -> None:
    many = getattr(layer, "group_send_many", None)
    if many is not None:  # the project's Redis layer: one pipelined round trip
        try:
            await many(events)
        except Exception:  # the layer being down must never undo a committed write
            log.exception("group_send_many of %d events failed", len(events))
        return
    by_group: dict[str, list[Event]] = {}
    for group, event in events:
        by_group.setdefault(group, []).append(event)

    async def one_group(group: str, queued: list[Event]) -> None:
        for event in queued:  # in order within a group
            try:
                await layer.group_send(group, dict(event))
            except Exception:  # the layer being down must never undo a committed write
                log.exception("group_send to %s failed", group)

    await asyncio.gather(*(one_group(group, queued) for group, queued in by_group.items()))


def send_events_now(events: Sequence[tuple[str, Event]]) -> None:
    """Several ``(group, event)`` at once: one hop into the event loop, the groups
    published concurrently, each group's events in order."""
    layer = get_channel_layer()
    if layer is None or not events:
        return
    try:
        async_to_sync(_publish)(layer, events)
    except Exception:
        log.exception("group_send of %d events failed", len(events))


def send_events_on_commit(events: Sequence[tuple[str, Event]]) -> None:
    """``send_event_on_commit`` for a batch (a chat send tells the case and every other
    member): one callback after the commit instead of one per event."""
    batch = list(events)
    transaction.on_commit(lambda: send_events_now(batch))
