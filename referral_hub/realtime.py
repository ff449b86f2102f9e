"""Events to connected clients, sent only after the surrounding transaction commits.

Groups: ``case.<id>`` for a case's chat, ``user.<id>`` for everything addressed to one
user (notifications, and force-closing that user's sockets on revocation or logout).
The channel layer is at-most-once: nothing durable may depend on these events.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)


def case_group(case_id: int) -> str:
    return f"case.{case_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def send_event_now(group: str, event: Mapping[str, Any]) -> None:
    """``event`` is built by one of the functions in ``referral_hub/events.py`` or
    ``messaging/events.py``."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, dict(event))
    except Exception:  # the layer being down must never undo a committed write
        log.exception("group_send to %s failed", group)


def send_event_on_commit(group: str, event: Mapping[str, Any]) -> None:
    """Queue ``event`` for ``group`` once the current transaction commits (at once if
    there is none); dropped if it rolls back."""
    transaction.on_commit(lambda: send_event_now(group, event))
