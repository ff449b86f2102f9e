"""The socket events as one closed set of types. ``send_event_on_commit`` accepts only
``referral_hub.events.Event`` (mypy refuses any other shape); here: every event of the
union has a socket handler (none is sent into the void), every handler is for an event
of the union, and the frames the sockets send are exactly the ones the public contract
and ``docs/messaging.md`` name."""

from __future__ import annotations

import ast
import inspect
import re
import types
import typing
from pathlib import Path

from messaging.consumers import CaseChatConsumer
from messaging.events import CaseFrame
from referral_hub.consumers import NotificationsConsumer
from referral_hub.events import CaseEvent, Event, NotificationsFrame, UserEvent

ROOT = Path(__file__).resolve().parents[2]

# CONTRACT.md, "WebSocket: case chat" (the public interface), as written there.
CONTRACT_CLIENT_FRAMES = {"message.send", "typing", "read"}
CONTRACT_SERVER_FRAMES = {"message.new", "message.ack", "typing", "presence", "read", "error"}

LIFECYCLE = {"connect", "disconnect", "receive", "receive_json", "dispatch"}


def _types(union: object) -> set[str]:
    """The ``type`` literals of a union of TypedDicts."""
    members = typing.get_args(union) if isinstance(union, types.UnionType) else (union,)
    found: set[str] = set()
    for member in members:
        literal = typing.get_type_hints(member)["type"]
        found.update(typing.get_args(literal))
    return found


def _handled(consumer: type) -> set[str]:
    """The channel-layer event types a consumer handles (Channels calls ``a_b`` for
    ``a.b``)."""
    return {
        name.replace("_", ".", 1)
        for name, member in vars(consumer).items()
        if inspect.iscoroutinefunction(member) and not name.startswith("_") and name not in LIFECYCLE
    }


def _documented(section: str) -> set[str]:
    """Frame types listed in a section of docs/messaging.md: on each bullet line, its
    leading name and the names followed by their fields (``x`` ``{...}``) or by ``/``;
    and the ``"type"`` of the frames written out in full (the client frames' table)."""
    text = (ROOT / "docs" / "messaging.md").read_text()
    start = text.index(section)
    end = re.compile(r"^#{2,3} ", re.M).search(text, start + len(section))
    body = text[start : end.start() if end else len(text)]
    names = set(re.findall(r'"type": "([a-z]+(?:\.[a-z]+)?)"', body))
    for line in body.splitlines():
        if line.startswith("- "):
            names |= set(re.findall(r"^- `([a-z]+(?:\.[a-z]+)?)`", line))
            names |= set(re.findall(r"`([a-z]+(?:\.[a-z]+)?)`(?= `\{| / )", line))
    return names


def test_the_union_is_the_user_events_and_the_case_events():
    assert _types(Event) == _types(UserEvent) | _types(CaseEvent)
    assert _types(UserEvent) == {"access.changed", "notify", "notices.read", "case.activity", "force.close"}
    assert _types(CaseEvent) == {
        "chat.message",
        "chat.updated",
        "chat.read",
        "chat.presence",
        "chat.typing",
        "team.changed",
    }


def test_every_user_event_has_a_handler_on_the_notifications_socket():
    # Its dispatch raises on an event without a handler: the socket would crash.
    assert _handled(NotificationsConsumer) == _types(UserEvent)


def test_the_case_socket_handles_every_case_event_and_the_access_events():
    handled = _handled(CaseChatConsumer)
    assert _types(CaseEvent) <= handled
    # Of its user group it acts on access changes only (notices are the other socket's).
    assert handled - _types(CaseEvent) == {"access.changed", "force.close"}
    assert handled <= _types(Event)


def test_the_case_socket_sends_the_contract_frames_and_those_documented():
    frames = _types(CaseFrame)
    assert CONTRACT_SERVER_FRAMES <= frames
    assert frames == _documented("### Server frames")


def test_the_case_socket_takes_the_contract_client_frames():
    assert CONTRACT_CLIENT_FRAMES <= set(CaseChatConsumer.FRAMES)
    assert set(CaseChatConsumer.FRAMES) == _documented("### Client frames")


def test_the_notifications_socket_frames_are_documented():
    assert _types(NotificationsFrame) == _documented("## The notifications socket")


def test_every_frame_goes_out_through_the_typed_sender():
    """``send_json`` takes any JSON; ``_send_frame`` only the socket's frame union, so
    the frames above are all a socket can send."""
    for path in ("messaging/consumers.py", "referral_hub/consumers.py"):
        tree = ast.parse((ROOT / path).read_text())
        senders = {
            function.name
            for function in ast.walk(tree)
            if isinstance(function, ast.AsyncFunctionDef)
            for node in ast.walk(function)
            if isinstance(node, ast.Attribute) and node.attr == "send_json"
        }
        assert senders == {"_send_frame"}, path
        # The chat socket's one other way out: the message.new text its process encoded
        # once for all its sockets (messaging.fanout.SharedFrame, built by
        # events.message_new_frame).
        raw = {
            function.name
            for function in ast.walk(tree)
            if isinstance(function, ast.AsyncFunctionDef)
            for node in ast.walk(function)
            if isinstance(node, ast.Attribute) and node.attr in {"send", "base_send"}
        }
        assert raw <= {"_send_shared"}, path
