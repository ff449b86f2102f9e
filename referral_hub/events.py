"""Every event the project puts on the channel layer for a user's group, each a
TypedDict built by one function (Zulip's ``event_types.py``). Chat events for a case's
group live in ``messaging/events.py``. ``tests/foundation/test_events.py`` pins the
exact shape of each.

Payloads carry ids, kinds and short labels only, never a child's details.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

# What happened to someone's access, for ``access.changed``.
AccessChange = Literal["granted", "revoked", "joined", "left"]


class AccessChangedEvent(TypedDict):
    """Someone's access may have changed: their open sockets ask the policy again
    (and close with 4403 when nothing covers them any more)."""

    type: Literal["access.changed"]
    change: AccessChange
    reason: str
    child_id: int | None
    consent_id: int | None
    case_id: int | None
    referral_id: int | None


class NotifyEvent(TypedDict):
    """An in-app notification for one user (the bell). ``notice_id`` is set when the
    notification is stored (an outbox row: it appears in the notice centre)."""

    type: Literal["notify"]
    kind: str
    payload: dict[str, Any]
    notice_id: NotRequired[int]


class NoticesReadEvent(TypedDict):
    """The user marked notices read (in some tab): ``unread`` is their new total."""

    type: Literal["notices.read"]
    unread: int


class CaseActivityEvent(TypedDict):
    """Something changed in one of the user's cases, for their Cases page and the nav
    badge: ``change`` is ``message`` (a new message by someone else), ``read`` (the user
    read up to ``message_id``; ``unread_total`` is their new total) or ``team`` (someone
    joined or left the care team). Ids only."""

    type: Literal["case.activity"]
    case_id: int
    change: Literal["message", "read", "team"]
    message_id: int | None
    unread_total: int | None


class TeamChangedEvent(TypedDict):
    """On a case's group: a member joined or left the care team (the chat says so and
    the team list updates). ``provider`` is the member's public listing."""

    type: Literal["team.changed"]
    case_id: int
    change: Literal["joined", "left"]
    user_id: int
    provider: dict[str, Any]
    at: str


class ForceCloseEvent(TypedDict):
    """End every socket of one user now (logout, deactivation)."""

    type: Literal["force.close"]
    reason: str


def access_changed(
    *,
    change: AccessChange,
    reason: str,
    child_id: int | None = None,
    consent_id: int | None = None,
    case_id: int | None = None,
    referral_id: int | None = None,
) -> AccessChangedEvent:
    return {
        "type": "access.changed",
        "change": change,
        "reason": reason,
        "child_id": child_id,
        "consent_id": consent_id,
        "case_id": case_id,
        "referral_id": referral_id,
    }


def notify(*, kind: str, payload: dict[str, Any], notice_id: int | None = None) -> NotifyEvent:
    event: NotifyEvent = {"type": "notify", "kind": kind, "payload": payload}
    if notice_id is not None:
        event["notice_id"] = notice_id
    return event


def notices_read(*, unread: int) -> NoticesReadEvent:
    return {"type": "notices.read", "unread": unread}


def case_activity(
    *,
    case_id: int,
    change: Literal["message", "read", "team"],
    message_id: int | None = None,
    unread_total: int | None = None,
) -> CaseActivityEvent:
    return {
        "type": "case.activity",
        "case_id": case_id,
        "change": change,
        "message_id": message_id,
        "unread_total": unread_total,
    }


def team_changed(
    *, case_id: int, change: Literal["joined", "left"], user_id: int, provider: dict[str, Any], at: str
) -> TeamChangedEvent:
    return {
        "type": "team.changed",
        "case_id": case_id,
        "change": change,
        "user_id": user_id,
        "provider": provider,
        "at": at,
    }


def force_close(*, reason: str) -> ForceCloseEvent:
    return {"type": "force.close", "reason": reason}
