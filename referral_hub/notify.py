"""In-app notifications: a real-time event on the recipient's user group, after commit.
Payloads carry ids, kinds and short labels only, never a child's details."""

from __future__ import annotations

from typing import Any

from referral_hub import events
from referral_hub.realtime import send_event_on_commit, user_group


def notify_user_on_commit(user_id: int, kind: str, payload: dict[str, Any]) -> None:
    send_event_on_commit(user_group(user_id), events.notify(kind=kind, payload=payload))
