"""One-time links made when the e-mail is sent, never stored.

A mail that carries a single-use link (an account confirmation, an invitation, a
reference request, a password reset) is queued with ``LINK_MARK`` in its body where the
link goes, and a reference: which kind of link (``minter``) for which object (``ref``,
an id). The row in the outbox table therefore never holds a usable link, pending, failed
or sent. At delivery the sender asks the minter registered for that kind for a fresh
link and puts it into the body it hands to the mail server.

Minters are registered by the apps that own the links (in their ``AppConfig.ready``),
since the outbox imports no app. A minter may come with ``on_dropped(ref)``: called when a
text carrying its link is dropped unsent because the number replied STOP after it was
queued (held for the morning, say), so the app can tell whoever waits on the link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Where the link goes in a queued body (survives %-formatting and translation: no % sign).
LINK_MARK = "{{one-time-link}}"

Minter = Callable[[int], str]
DropHandler = Callable[[int], None]

_minters: dict[str, Minter] = {}
_drop_handlers: dict[str, DropHandler] = {}


class LinkUnavailable(Exception):
    """The minter cannot make a link (its object is gone): the delivery attempt fails."""


def register_minter(name: str, minter: Minter, on_dropped: DropHandler | None = None) -> None:
    """``minter(ref)`` returns a fresh absolute URL for object ``ref``, or raises
    ``LinkUnavailable``; ``on_dropped(ref)``, if given, hears that the link's text was
    dropped unsent (its number replied STOP)."""
    _minters[name] = minter
    if on_dropped is not None:
        _drop_handlers[name] = on_dropped


def link_dropped(payload: dict[str, Any]) -> None:
    """A message carrying ``payload`` was dropped unsent: tell its minter's app, if it
    asked to hear it (inside the caller's transaction)."""
    reference = payload.get("link") if isinstance(payload, dict) else None
    if isinstance(reference, dict):
        handler = _drop_handlers.get(str(reference.get("minter")))
        if handler is not None:
            handler(int(reference["ref"]))


def link_reference(minter: str, ref: int) -> dict[str, Any]:
    """The payload stored with a queued mail instead of its link."""
    return {"link": {"minter": minter, "ref": int(ref)}}


def fill_link(body: str, payload: dict[str, Any]) -> str:
    """The body with a freshly minted link in place of ``LINK_MARK``."""
    reference = payload.get("link") if isinstance(payload, dict) else None
    if not isinstance(reference, dict):
        raise LinkUnavailable("no link reference stored with this one-time mail")
    minter = _minters.get(str(reference.get("minter")))
    if minter is None:
        raise LinkUnavailable(f"no minter registered for {reference.get('minter')!r}")
    return body.replace(LINK_MARK, minter(int(reference["ref"])))
