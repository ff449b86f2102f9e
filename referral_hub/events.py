"""Every event the project puts on the channel layer, each a TypedDict (Zulip's
``event_types.py``); ``Event`` is their union, the only thing
``referral_hub.realtime.send_event_on_commit`` accepts, so mypy refuses an event of
any other shape. The user-group events are built here; the chat events on a case's
group are built in ``messaging/events.py`` (their shapes live here, because the base
sends them and imports no app). ``tests/foundation/test_events.py`` pins the exact
shape of each, and checks that every event has a socket handler.

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
    read up to ``message_id``; ``unread_total`` is their new total), ``removed`` (the
    author removed ``message_id``, which the user had not read; ``unread_total`` is their
    new total), ``access`` (the user joined or left the case's care team, e.g. their
    consent was revoked: ``unread_total`` is their new total, over the cases they may
    open now) or ``team`` (someone else joined or left the care team). Ids only."""

    type: Literal["case.activity"]
    case_id: int
    change: Literal["message", "read", "removed", "access", "team"]
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


# --- chat events on a case's group (built in messaging/events.py) ----------------------


class ChatMessageEvent(TypedDict):
    type: Literal["chat.message"]
    message: dict[str, Any]  # messaging.selectors.message_payload


class ChatUpdatedEvent(TypedDict):
    type: Literal["chat.updated"]
    message: dict[str, Any]  # messaging.selectors.message_payload


class ChatReadEvent(TypedDict):
    type: Literal["chat.read"]
    user_id: int
    message_id: int


class ChatPresenceEvent(TypedDict):
    type: Literal["chat.presence"]
    online: list[int]


class ChatTypingEvent(TypedDict):
    type: Literal["chat.typing"]
    user_id: int


class ErrorFrame(TypedDict):
    """A socket's answer to a frame it refused (the socket stays open); the case chat
    adds the refused message's ``client_msg_id`` where there was one."""

    type: Literal["error"]
    code: str
    detail: str
    client_msg_id: NotRequired[str]


# On ``user.<id>``: the notifications socket and every case socket of that user.
UserEvent = AccessChangedEvent | NotifyEvent | NoticesReadEvent | CaseActivityEvent | ForceCloseEvent
# On ``case.<id>``: the case's chat sockets.
CaseEvent = (
    ChatMessageEvent
    | ChatUpdatedEvent
    | ChatReadEvent
    | ChatPresenceEvent
    | ChatTypingEvent
    | TeamChangedEvent
)
# Every event on the channel layer.
Event = UserEvent | CaseEvent


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
    change: Literal["message", "read", "removed", "access", "team"],
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


def error_frame(*, code: str, detail: str, client_msg_id: str | None = None) -> ErrorFrame:
    frame: ErrorFrame = {"type": "error", "code": code, "detail": detail}
    if client_msg_id is not None:
        frame["client_msg_id"] = client_msg_id
    return frame


# What ``/ws/notifications/`` sends its client: three of the user events, forwarded as
# they are, and the refusal of any frame the client sends (the socket is read-only).
NotificationsFrame = NotifyEvent | NoticesReadEvent | CaseActivityEvent | ErrorFrame
