"""Every event the project puts on the channel layer for a user's group, each a
TypedDict built by one function (Zulip's ``event_types.py``). Chat events for a case's
group live in ``messaging/events.py``. ``tests/foundation/test_events.py`` pins the
exact shape of each.

Payloads carry ids, kinds and short labels only, never a child's details.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

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
    """An in-app notification for one user (the bell)."""

    type: Literal["notify"]
    kind: str
    payload: dict[str, Any]


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


def notify(*, kind: str, payload: dict[str, Any]) -> NotifyEvent:
    return {"type": "notify", "kind": kind, "payload": payload}


def force_close(*, reason: str) -> ForceCloseEvent:
    return {"type": "force.close", "reason": reason}
