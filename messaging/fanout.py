"""Chat socket events: one subscription per group per process, delivered locally to
that process's chat sockets in the group (the case group, and each user's group).

Before, every chat socket joined the case group itself. The pub/sub layer publishes an
event once per process, but then queued it once per socket, and each socket's Channels
loop woke, deserialized it (msgpack), dispatched it and JSON-encoded its frame: at 100
sockets in one case, 1,000 of each per second at 10 messages/s (bench/chat.py, issue 29).
Here the first socket of a case in a process subscribes ONE layer channel to the case
group; each event is read once and handed to every local socket of the case in turn,
with the ``message.new`` frame text encoded once. A chat socket's user group goes the
same way: of it the socket acts on access changes only, and the notices and case
activity also sent there (one per member per message) are now dropped once per process
instead of being received and dispatched by every socket.

What each socket checks does not change (``CaseChatConsumer.case_event``): it is open,
its consent has not expired, its own per-case seq (order, de-duplication, gap fill), the
periodic policy re-check. A socket handles one thing at a time as before: an event that
reaches a socket busy with a frame, a catch-up or another event waits in that socket's
own backlog, worked off by its own task, so a slow socket never holds up the others.
Who may receive is decided as before: a socket registers only after the policy let it in
and leaves when it closes; revocation reaches it on its user group (per socket, as
before) and closes it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

from messaging import events
from referral_hub.realtime import case_group

log = logging.getLogger(__name__)


class SharedFrame:
    """One case event as every local socket sends it: the frame text encoded at most once
    (the text is what ``send_json`` would have produced for each socket)."""

    __slots__ = ("_text", "event")

    def __init__(self, event: dict[str, Any]) -> None:
        self.event = event
        self._text: str | None = None

    def message_new_text(self) -> str:
        if self._text is None:
            self._text = json.dumps(events.message_new_frame(message=self.event["message"]))
        return self._text


class Member(NamedTuple):
    """A local socket of the case, as the feed calls it."""

    # Handle or queue one case event; must not wait on the database.
    deliver: Callable[[SharedFrame], Awaitable[None]]
    # The process's subscription to the case failed: close (the client resumes).
    lost: Callable[[], Awaitable[None]]


class Feed:
    """The process's subscription to one group and its local sockets."""

    def __init__(self, layer: Any, group: str) -> None:
        self.layer = layer
        self.group = group
        self.members: dict[object, Member] = {}  # socket -> its callbacks, in joining order
        self.channel = ""
        self.reader: asyncio.Task[None] | None = None
        self.ready: asyncio.Future[None] = asyncio.ensure_future(self._start())

    async def _start(self) -> None:
        self.channel = await self.layer.new_channel("feed.")
        await self.layer.group_add(self.group, self.channel)
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        try:
            while True:
                event = await self.layer.receive(self.channel)
                shared = SharedFrame(event)
                for member in list(self.members.values()):
                    try:
                        await member.deliver(shared)
                    except Exception:  # one socket's failure is that socket's
                        log.exception("case event to a chat socket failed")
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("feed of %s failed", self.group)
            _forget(self)
            for member in list(self.members.values()):
                await member.lost()

    async def stop(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
        if not self.ready.done():
            self.ready.cancel()
        if self.channel:
            try:
                await self.layer.group_discard(self.group, self.channel)
            except Exception:  # the layer being down must not keep anything alive
                log.warning("group_discard of the feed of %s failed", self.group, exc_info=True)


# Per event loop (tests run one per test), per layer, per group.
_feeds: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[Any, str], Feed]] = (
    weakref.WeakKeyDictionary()
)


def _loop_feeds() -> dict[tuple[Any, str], Feed]:
    loop = asyncio.get_running_loop()
    feeds = _feeds.get(loop)
    if feeds is None:
        feeds = _feeds[loop] = {}
    return feeds


def _forget(feed: Feed) -> None:
    feeds = _loop_feeds()
    if feeds.get((feed.layer, feed.group)) is feed:
        del feeds[(feed.layer, feed.group)]


def local_sockets(layer: Any, group: str) -> list[object]:
    """The sockets in ``group`` this process delivers to (tests, diagnostics)."""
    feed = _loop_feeds().get((layer, group))
    return list(feed.members) if feed is not None else []


def case_sockets(layer: Any, case_id: int) -> list[object]:
    return local_sockets(layer, case_group(case_id))


async def join(layer: Any, group: str, socket: object, member: Member) -> None:
    """Register ``socket`` for the group's events; returns once the process is
    subscribed to the group (events published from then on reach it)."""
    feeds = _loop_feeds()
    feed = feeds.get((layer, group))
    if feed is None:
        feed = feeds[(layer, group)] = Feed(layer, group)
    feed.members[socket] = member
    try:
        await asyncio.shield(feed.ready)
    except BaseException:
        await leave(layer, group, socket)
        raise


async def leave(layer: Any, group: str, socket: object) -> None:
    """Stop delivering to ``socket``; the last socket's leaving ends the subscription."""
    feeds = _loop_feeds()
    feed = feeds.get((layer, group))
    if feed is None or feed.members.get(socket) is None:
        return
    del feed.members[socket]
    if not feed.members:
        del feeds[(layer, group)]
        await feed.stop()
