"""Writes of the notice centre (through the outbox, which owns the rows)."""

from __future__ import annotations

from outbox.services import in_app_mark_read
from people.roles import Actor, signed_in


def notices_mark_read(*, actor: Actor, notice_ids: list[int] | None = None) -> int:
    """Mark the actor's notices read (the given ids, or all). Other users' ids are
    ignored: nobody marks someone else's notices. Returns how many changed."""
    return in_app_mark_read(user_id=signed_in(actor).pk, notice_ids=notice_ids)
