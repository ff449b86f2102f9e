"""Reads of the notice centre: the user's in-app outbox rows, described for people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from notices.kinds import describe
from outbox.models import OutboxMessage
from outbox.services import in_app_notices, in_app_unread_count

PAGE_LIMIT = 100


@dataclass(frozen=True)
class Notice:
    id: int
    kind: str
    category: str
    category_label: str
    title: str
    url: str | None
    payload: dict[str, Any]
    created_at: datetime
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


def notice_from_row(row: OutboxMessage) -> Notice:
    payload = row.payload if isinstance(row.payload, dict) else {}
    described = describe(row.kind, payload)
    return Notice(
        id=row.pk,
        kind=row.kind,
        category=described.category,
        category_label=described.category_label,
        title=described.title,
        url=described.url,
        payload=payload,
        created_at=row.created_at,
        read_at=row.read_at,
    )


def notice_rows(*, user_id: int, unread_only: bool = False) -> QuerySet[OutboxMessage]:
    rows = in_app_notices(user_id=user_id).only("id", "kind", "payload", "created_at", "read_at")
    return rows.filter(read_at__isnull=True) if unread_only else rows


def notice_list(*, user_id: int, unread_only: bool = False, limit: int = PAGE_LIMIT) -> list[Notice]:
    """The newest notices of the user (one query)."""
    return [notice_from_row(row) for row in notice_rows(user_id=user_id, unread_only=unread_only)[:limit]]


def notice_get(*, user_id: int, notice_id: int) -> Notice | None:
    """One of the user's notices, or None (another user's id reads as missing)."""
    row = notice_rows(user_id=user_id).filter(pk=notice_id).first()
    return notice_from_row(row) if row is not None else None


def unread_count(*, user_id: int) -> int:
    return in_app_unread_count(user_id=user_id)
