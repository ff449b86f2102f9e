"""Chat events on a case's channel-layer group, each built by one function (their
TypedDicts are in ``referral_hub/events.py``, part of the ``Event`` union).
The consumer turns them into client frames (``message.new``, ``message.updated``,
``read``, ``presence``, ``typing``). ``tests/foundation/test_events.py`` pins each shape."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, TypedDict

from referral_hub.events import (
    ChatMessageEvent,
    ChatPresenceEvent,
    ChatReadEvent,
    ChatTypingEvent,
    ChatUpdatedEvent,
    ErrorFrame,
)


def chat_message(*, message: dict[str, Any]) -> ChatMessageEvent:
    return {"type": "chat.message", "message": message}


def chat_updated(*, message: dict[str, Any]) -> ChatUpdatedEvent:
    return {"type": "chat.updated", "message": message}


def chat_read(*, user_id: int, message_id: int) -> ChatReadEvent:
    return {"type": "chat.read", "user_id": user_id, "message_id": message_id}


def chat_presence(*, online: list[int]) -> ChatPresenceEvent:
    return {"type": "chat.presence", "online": online}


def chat_typing(*, user_id: int) -> ChatTypingEvent:
    return {"type": "chat.typing", "user_id": user_id}


# --- frames the case socket sends to its client -----------------------------------------


class MessageNewFrame(TypedDict):
    type: Literal["message.new"]
    message: dict[str, Any]


class MessageUpdatedFrame(TypedDict):
    type: Literal["message.updated"]
    message: dict[str, Any]


class MessageAckFrame(TypedDict):
    type: Literal["message.ack"]
    client_msg_id: str
    id: int


class ReadFrame(TypedDict):
    type: Literal["read"]
    user_id: int
    message_id: int


class PresenceFrame(TypedDict):
    type: Literal["presence"]
    online: list[int]


class TypingFrame(TypedDict):
    type: Literal["typing"]
    user_id: int


def message_new_frame(*, message: dict[str, Any]) -> MessageNewFrame:
    return {"type": "message.new", "message": message}


def message_updated_frame(*, message: dict[str, Any]) -> MessageUpdatedFrame:
    return {"type": "message.updated", "message": message}


def message_ack_frame(*, client_msg_id: str, message_id: int) -> MessageAckFrame:
    return {"type": "message.ack", "client_msg_id": client_msg_id, "id": message_id}


def read_frame(*, user_id: int, message_id: int) -> ReadFrame:
    return {"type": "read", "user_id": user_id, "message_id": message_id}


def presence_frame(*, online: list[int]) -> PresenceFrame:
    return {"type": "presence", "online": online}


def typing_frame(*, user_id: int) -> TypingFrame:
    return {"type": "typing", "user_id": user_id}


class AccessEndedFrame(TypedDict):
    """Sent just before a 4403 close: why this socket ends (a ``messaging.policies``
    ``DENIAL_REASONS`` code) and since when (ISO 8601, or null when unknown)."""

    type: Literal["access.ended"]
    reason: str
    at: str | None


class TeamFrame(TypedDict):
    """A member joined or left the care team (``member.joined`` / ``member.left``)."""

    type: Literal["member.joined", "member.left"]
    provider: dict[str, Any]
    at: str


def access_ended_frame(*, reason: str, at: datetime | None) -> AccessEndedFrame:
    return {"type": "access.ended", "reason": reason, "at": at.isoformat() if at else None}


def team_frame(*, change: str, provider: dict[str, Any], at: str) -> TeamFrame:
    return {"type": "member.left" if change == "left" else "member.joined", "provider": provider, "at": at}


# Every frame the case socket sends its client (``docs/messaging.md``, "Server frames").
CaseFrame = (
    MessageNewFrame
    | MessageUpdatedFrame
    | MessageAckFrame
    | ReadFrame
    | PresenceFrame
    | TypingFrame
    | AccessEndedFrame
    | TeamFrame
    | ErrorFrame
)
