"""``/ws/cases/<case_id>/?after=<id>``: the case chat socket (protocol in
docs/messaging.md and the CONTRACT's WebSocket section).

Thin on purpose: authenticate, ask ``messaging.policies`` on connect and on every frame,
call ``messaging.services``, forward events. Durability lives in the database: live
events are at-most-once, so every delivery is checked against the per-case ``seq`` and
a gap is filled from the database before anything newer goes out.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from typing import Any, ParamSpec, TypeVar, cast
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from cases.services import care_team_end_lapsed, case_refused
from consent.policies import consent_ends_at
from messaging import events, fanout, recheck, selectors, services
from messaging.policies import ChatAccess, ChatPass, Denial, chat_access, chat_access_many, chat_denial
from people.roles import Actor
from referral_hub import events as hub_events
from referral_hub.consumers import refuse
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.ids import parse_id
from referral_hub.metrics import OPEN_CHAT_SOCKETS
from referral_hub.realtime import case_group, user_group

log = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_BAD_REQUEST = 4400
# Repeatedly over the frame-size or message-rate limit (HTTP 429 in spirit).
CLOSE_TOO_MANY_VIOLATIONS = 4429

MAX_FRAME_BYTES = 64 * 1024
MESSAGES_PER_SECOND = 10
# Each read frame is a database write; a client marks what it shows, a few per second.
READS_PER_SECOND = 5
VIOLATIONS_BEFORE_CLOSE = 5
VIOLATION_WINDOW_SECONDS = 10.0
TYPING_MIN_INTERVAL_SECONDS = 2.0
HEARTBEAT_SECONDS = 15.0
# Each socket beats at its own random phase, each period +-10 %: sockets opened together
# (a team's pages, a reconnect after a restart) must not re-ask the policy, touch presence
# and read the gap all in the same instant. When they did, every message sent then waited
# behind that burst of database work (bench/chat.py, issue 29: nearly every delivery over
# 20 ms was sent 15 s after the sockets connected).
HEARTBEAT_JITTER = 0.1
# Deliveries re-ask the policy (in the background) when the last answer is older than
# this: a lost `access.changed` event (the layer is at-most-once) cannot keep a socket
# open for long while messages flow; the heartbeat covers quiet cases.
RECHECK_AFTER_SECONDS = 5.0
# A live event that arrives ahead of its predecessor (two daphne processes commit and
# publish the messages of one case in parallel: seq 6 may reach Redis before seq 5)
# waits this long for it before the gap is filled from the database (an audited read
# under the child's chain lock, which every send of the case also takes).
GAP_GRACE_SECONDS = 0.15


_beat_random = random.Random()  # noqa: S311 - spreading load, not a secret


def heartbeat_delays(rng: random.Random = _beat_random) -> Iterator[float]:
    """Seconds to wait before each heartbeat of one socket: a first wait uniform over the
    period (a random phase), then the period +-``HEARTBEAT_JITTER``. Reads
    ``HEARTBEAT_SECONDS`` when the socket starts beating."""
    period = HEARTBEAT_SECONDS
    yield rng.uniform(0.0, period)
    while True:
        yield period * rng.uniform(1.0 - HEARTBEAT_JITTER, 1.0 + HEARTBEAT_JITTER)


P = ParamSpec("P")
R = TypeVar("R")


def db(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """``database_sync_to_async``; on PostgreSQL in the shared thread pool instead of the
    one thread-sensitive thread, so sockets' database work runs in parallel (each worker
    thread has its own connection). SQLite has one writer anyway (and the in-memory test
    database is shared-cache, which fails instead of waiting), so it stays on one thread."""
    wrapped = database_sync_to_async(func, thread_sensitive=not settings.IS_POSTGRES)
    return cast("Callable[P, Awaitable[R]]", wrapped)  # channels ships no type information


@db
def _access(user: Actor, case_id: int) -> ChatAccess | None:
    return chat_access(user, case_id)


@db
def _passes(case_id: int, user_ids: list[int]) -> dict[int, ChatPass]:
    return chat_access_many(case_id, user_ids)


@db
def _newest_seq(case_id: int) -> int:
    return selectors.newest_seq(case_id=case_id)


@db
def _denial(user: Actor, case_id: int) -> Denial:
    return chat_denial(user, case_id)


@db
def _replay(user: Actor, case_id: int, after: int | None) -> tuple[list[dict[str, Any]], int]:
    """Stored messages after ``after`` and the seq the socket then stands at."""
    if after is None:
        last_id = selectors.last_message_id(case_id=case_id)
        return [], selectors.seq_at(case_id=case_id, message_id=last_id)
    messages = services.message_history_read(actor=user, case_id=case_id, after=after, limit=None)
    if messages:
        return [selectors.message_payload(m) for m in messages], messages[-1].seq
    return [], selectors.seq_at(case_id=case_id, message_id=after)


@db
def _gap(user: Actor, case_id: int, after_seq: int, through_seq: int) -> list[dict[str, Any]] | None:
    """Stored messages that live events missed, through the service (permission check
    and audit); None when the user may no longer chat here."""
    try:
        messages = services.message_gap_read(
            actor=user, case_id=case_id, after_seq=after_seq, through_seq=through_seq
        )
    except NotFound:
        return None
    return [selectors.message_payload(m) for m in messages]


class CaseChatConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]  # channels ships no type information
    closing = False
    left = False
    heartbeat: asyncio.Task[None] | None = None
    # When the consent that lets this socket in stops covering (expiry day over, UTC):
    # every frame in or out compares against it, and a timer closes an idle socket then.
    access_until: datetime | None = None
    expiry_timer: asyncio.TimerHandle | None = None
    expiry_task: asyncio.Future[Any] | None = None
    gap_timer: asyncio.TimerHandle | None = None
    gap_task: asyncio.Future[Any] | None = None
    drain_task: asyncio.Future[None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One thing at a time per socket, as a Channels consumer handles its messages: a
        # client frame, a user-group event, or a case event from the process's case feed
        # (`messaging.fanout`). Case events that find the socket busy wait in its backlog.
        self.serial = asyncio.Lock()
        self.case_backlog: deque[fanout.SharedFrame] = deque()
        self.feeds: list[str] = []  # groups this socket receives through the process's feeds

    # --- lifecycle -----------------------------------------------------------------
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            self.closing = True
            await refuse(self, CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        self.case_id = int(self.scope["url_route"]["kwargs"]["case_id"])
        after = self._after_param()
        if after is False:
            self.closing = True
            await refuse(self, CLOSE_BAD_REQUEST)
            return
        self.message_times: deque[float] = deque()
        self.read_times: deque[float] = deque()
        self.violation_times: deque[float] = deque()
        self.last_typing = 0.0
        # Live deliveries and the heartbeat's catch-up both advance last_seq: one at a time.
        self.delivery_lock = asyncio.Lock()
        self.early: dict[int, dict[str, Any]] = {}  # seq -> payload that overtook its predecessor
        # The user group first: a revocation racing this handshake is either seen by the
        # policy below or arrives as `access.changed` afterwards.
        await self._join(
            user_group(user.pk), fanout.Member(deliver=self._user_event, lost=self._case_feed_lost)
        )
        access = await _access(user, self.case_id)
        if access is None:
            self.closing = True
            await db(case_refused)(actor=user, case_id=self.case_id, what="chat connection")
            await self._leave()
            await self._refuse_with_reason()
            return
        self._watch_expiry(access)
        # Sockets opened together would otherwise re-ask the policy together (every
        # RECHECK_AFTER_SECONDS): spread the first re-check, the bound stays the same.
        self.last_verified = time.monotonic() - random.uniform(0, RECHECK_AFTER_SECONDS)  # noqa: S311 - not a secret
        # Join the case feed BEFORE reading the replay: events arriving meanwhile wait in
        # this socket's backlog (connect holds `serial`) and are de-duplicated by seq, so
        # there is no gap and no duplicate.
        await self._join(
            case_group(self.case_id), fanout.Member(deliver=self._case_event, lost=self._case_feed_lost)
        )
        await self.accept()
        OPEN_CHAT_SOCKETS.inc()
        self.counted = True
        try:
            replay, self.last_seq = await _replay(user, self.case_id, after)
        except NotFound:
            await self._deny()
            return
        for payload in replay:
            await self._send_frame(events.message_new_frame(message=payload))
        await db(services.presence_join)(actor=user, case_id=self.case_id, channel_name=self.channel_name)
        self.heartbeat = asyncio.ensure_future(self._heartbeat())

    async def _refuse_with_reason(self) -> None:
        """4403 at connect. A former member (a reload after their access ended) learns
        why, as an open socket would; anyone else learns nothing about the case."""
        denial = await self._why()
        if denial.reason == "not_member":
            await refuse(self, CLOSE_FORBIDDEN)
            return
        await self.accept()
        await self._send_frame(events.access_ended_frame(reason=denial.reason, at=denial.at))
        await self.close(code=CLOSE_FORBIDDEN, reason=denial.reason)

    async def disconnect(self, code: int) -> None:
        self.closing = True
        if getattr(self, "counted", False):
            OPEN_CHAT_SOCKETS.dec()
            self.counted = False
        await self._leave()

    def _after_param(self) -> int | None | bool:
        """``after`` as an int >= 0, None when absent, False when malformed."""
        raw = parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("after")
        if not raw or raw[0] == "":
            return None
        value = parse_id(raw[0], allow_zero=True)
        return False if value is None else value

    async def _join(self, group: str, member: fanout.Member) -> None:
        self.feeds.append(group)
        await fanout.join(self.channel_layer, group, self, member)

    async def _leave(self) -> None:
        if self.left:
            return
        self.left = True
        if self.heartbeat is not None and self.heartbeat is not asyncio.current_task():
            self.heartbeat.cancel()
        if self.expiry_timer is not None:
            self.expiry_timer.cancel()
        if self.gap_timer is not None:
            self.gap_timer.cancel()
        self.case_backlog.clear()
        for group in reversed(self.feeds):  # the case first: no event of it after this
            try:
                await fanout.leave(self.channel_layer, group, self)
            except Exception:  # the layer being down must not keep the socket alive
                log.warning("leaving the feed of %s failed", group, exc_info=True)
        self.feeds = []
        if hasattr(self, "last_seq"):
            try:
                await db(services.presence_leave)(channel_name=self.channel_name)
            except Exception:
                log.warning("presence_leave failed", exc_info=True)

    async def _deny(self, code: int = CLOSE_FORBIDDEN, reason: str | None = None) -> None:
        """Close, and from this moment forward nothing more: every handler checks
        ``closing`` before sending. A 4403 first tells the client why in an
        ``access.ended`` frame (``reason``, ``at``) and the close reason, so the page can
        say it in plain words ("The family changed their consent on ...")."""
        if self.closing:
            return
        self.closing = True
        if code == CLOSE_FORBIDDEN:
            denial = Denial(reason) if reason is not None else await self._why()
            await self._send_frame(events.access_ended_frame(reason=denial.reason, at=denial.at))
            await self.close(code=code, reason=denial.reason)
        else:
            await self.close(code=code)
        await self._leave()

    async def _why(self) -> Denial:
        try:
            return await _denial(self.user, self.case_id)
        except Exception:  # the reason is a courtesy: never keep a denied socket open for it
            log.warning("chat denial reason failed", exc_info=True)
            return Denial("consent_changed")

    async def _heartbeat(self) -> None:
        for delay in heartbeat_delays():
            await asyncio.sleep(delay)
            try:
                if not await self._verified():
                    return
                await db(services.presence_touch)(channel_name=self.channel_name)
                await self._catch_up(await _newest_seq(self.case_id))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("chat heartbeat failed", exc_info=True)

    async def _allowed(self) -> bool:
        if self.closing:
            return False
        access = await _access(self.user, self.case_id)
        if access is None:
            await self._deny()
            return False
        self._watch_expiry(access)
        self.last_verified = time.monotonic()
        return True

    async def _verified(self) -> bool:
        """The heartbeat's policy check: none when an answer younger than
        ``RECHECK_AFTER_SECONDS`` stands (the case's batched re-check gave it while
        messages flowed); otherwise the case's re-check on this process, which answers
        this socket's neighbours in the case too (``messaging.recheck``). A socket that
        joined after that check began asks alone."""
        if self.closing:
            return False
        if time.monotonic() - self.last_verified <= RECHECK_AFTER_SECONDS:
            return True
        answered = await asyncio.shield(recheck.request(self.channel_layer, self.case_id, _passes))
        if id(self) not in answered:
            return await self._allowed()
        return not self.closing

    # --- the batched re-check (messaging.recheck) ------------------------------------
    def _recheck_user_id(self) -> int:
        return int(self.user.pk)

    async def _recheck_answer(self, chat_pass: ChatPass | None, asked_at: float) -> None:
        """This socket's answer from its case's re-check on this process, as
        ``_allowed`` would act on it: no pass closes 4403 (with the reason); a pass
        re-arms the consent-expiry timer and counts as verified when it was asked."""
        if self.closing:
            return
        if chat_pass is None:
            await self._deny()
            return
        self._watch_until(chat_pass.ends_at)
        self.last_verified = max(self.last_verified, asked_at)

    # --- consent expiry: on time, not at the next heartbeat -------------------------
    def _watch_expiry(self, access: ChatAccess) -> None:
        """Cache when the covering consent ends and arm a timer for that instant (a new
        or longer consent re-arms it at the next check)."""
        self._watch_until(consent_ends_at(access.consent))

    def _watch_until(self, until: datetime) -> None:
        self.access_until = until
        if self.expiry_timer is not None:
            self.expiry_timer.cancel()
        delay = max(0.0, (self.access_until - timezone.now()).total_seconds())
        self.expiry_timer = asyncio.get_running_loop().call_later(delay, self._on_expiry)

    def _on_expiry(self) -> None:
        if not self.closing:
            self.expiry_task = asyncio.ensure_future(self._expire())

    async def _expire(self) -> None:
        """The consent's end instant: ask the gate again (a guardian may have granted a
        new consent meanwhile); if it says no, close 4403 and end the lapsed membership."""
        if await self._allowed():
            return
        await db(care_team_end_lapsed)(case_id=self.case_id, user_id=self.user.pk)

    def _past_expiry(self) -> bool:
        return self.access_until is not None and timezone.now() >= self.access_until

    async def _may_send(self) -> bool:
        """Checked before every frame in or out: closed, or past the cached expiry
        instant (then closed 4403 here, before anything goes out)."""
        if self.closing:
            return False
        if self._past_expiry():
            await self._deny()
            self.expiry_task = asyncio.ensure_future(
                db(care_team_end_lapsed)(case_id=self.case_id, user_id=self.user.pk)
            )
            return False
        return True

    def _recheck_soon(self) -> None:
        """Re-ask the policy in the background: deliveries do not wait for it, and a
        denial closes the socket within one query's time. One query for all of this
        process's sockets of the case, one in flight at a time (``messaging.recheck``)."""
        self.last_verified = time.monotonic()  # asked: not again on every delivery
        recheck.request(self.channel_layer, self.case_id, _passes)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # The user group also carries events meant for other sockets (notifications):
        # an event type without a handler here is ignored, not a crash.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            return
        # Unlike the base class, no close_old_connections() thread hop per event: every
        # database touch here goes through `db()`, which does that itself. Per delivered
        # event this was the largest cost in bench/chat.py.
        async with self.serial:
            await handler(message)
        self._drain_soon()

    # --- case events, from the process's case feed (messaging.fanout) ---------------
    # Private names: Channels maps an event type to a method of that name, and a name
    # with a leading underscore is one no event type can reach.
    async def _case_event(self, shared: fanout.SharedFrame) -> None:
        """Called by the case feed for every event of the case, socket after socket: it
        must not wait. Handled at once when the socket is idle and nothing can wait on
        the database (no expiry to act on, no catch-up or frame in progress); otherwise
        queued, in order, for this socket's own task."""
        if self.closing:
            return
        if self.case_backlog or self.serial.locked() or self.delivery_lock.locked() or self._past_expiry():
            self.case_backlog.append(shared)
            self._drain_soon()
            return
        async with self.serial:
            await self._case_handle(shared)

    async def _user_event(self, shared: fanout.SharedFrame) -> None:
        """Of its user group a chat socket acts on access changes only (notices and case
        activity are the notifications socket's): those wait on the database, so they
        always go through the backlog, in order with the case events."""
        if self.closing or shared.event.get("type") not in self.USER_EVENTS:
            return
        self.case_backlog.append(shared)
        self._drain_soon()

    async def _case_feed_lost(self) -> None:
        """The process lost its subscription to the case: close like a crashed consumer
        (1011); the client reconnects with ``after=`` and misses nothing."""
        if self.closing:
            return
        self.closing = True
        await self.close(code=1011)
        await self._leave()

    def _drain_soon(self) -> None:
        if self.case_backlog and not self.closing and (self.drain_task is None or self.drain_task.done()):
            self.drain_task = asyncio.ensure_future(self._drain_case_events())

    async def _drain_case_events(self) -> None:
        while self.case_backlog and not self.closing:
            async with self.serial:
                if self.case_backlog:
                    await self._case_handle(self.case_backlog.popleft())

    async def _case_handle(self, shared: fanout.SharedFrame) -> None:
        event = shared.event
        kind = event.get("type")
        if kind == "chat.message":
            async with self.delivery_lock:
                await self._deliver(event, shared)
            return
        handler = (
            (self.CASE_EVENTS.get(kind) or self.USER_EVENTS.get(kind)) if isinstance(kind, str) else None
        )
        if handler is not None:
            await handler(self, event)

    # --- client frames -------------------------------------------------------------
    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        if not await self._may_send():
            return
        raw = text_data if text_data is not None else bytes_data
        size = len(raw.encode()) if isinstance(raw, str) else len(raw or b"")
        if size > MAX_FRAME_BYTES:
            await self._violation("frame_too_large", f"Frames are limited to {MAX_FRAME_BYTES} bytes.")
            return
        try:
            content = json.loads(raw or "")
        except (ValueError, TypeError):
            await self._error("bad_json", "The frame is not valid JSON.")
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self._error("bad_frame", 'A frame is a JSON object with a "type".')
            return
        handler = self.FRAMES.get(content["type"])
        if handler is None:
            await self._error("unknown_type", f"Unknown frame type {content['type'][:40]!r}.")
            return
        await handler(self, content)

    async def _frame_send(self, content: dict[str, Any]) -> None:
        if not await self._message_slot():
            return
        try:
            client_msg_id = uuid.UUID(str(content.get("client_msg_id")))
        except ValueError:
            await self._error("invalid_client_msg_id", "client_msg_id must be a UUID.")
            return
        try:
            result = await db(services.message_send)(
                actor=self.user, case_id=self.case_id, body=content.get("body"), client_msg_id=client_msg_id
            )
        except NotFound:  # the policy said no: this frame and the socket end here
            await self._deny()
            return
        except ApplicationError as exc:
            await self._error(exc.code, exc.message, client_msg_id=str(client_msg_id))
            return
        except Exception:
            log.exception("message_send failed")
            await self._error(
                "not_stored", "The message was not stored; send it again.", client_msg_id=str(client_msg_id)
            )
            return
        self.last_verified = time.monotonic()
        if await self._may_send():
            await self._send_frame(
                events.message_ack_frame(client_msg_id=str(client_msg_id), message_id=result.message.pk)
            )

    async def _frame_change(self, content: dict[str, Any]) -> None:
        if not await self._message_slot():
            return
        message_id = content.get("message_id")
        if not isinstance(message_id, int) or parse_id(message_id) is None:
            await self._error("invalid_message", "message_id must be an integer.")
            return
        if not await self._allowed():
            return
        try:
            if content["type"] == "message.edit":
                await db(services.message_edit)(
                    actor=self.user, case_id=self.case_id, message_id=message_id, body=content.get("body")
                )
            else:
                await db(services.message_delete)(
                    actor=self.user, case_id=self.case_id, message_id=message_id
                )
        except ApplicationError as exc:
            await self._error(exc.code, exc.message)

    async def _frame_typing(self, content: dict[str, Any]) -> None:
        now = time.monotonic()
        if now - self.last_typing < TYPING_MIN_INTERVAL_SECONDS:
            return  # ephemeral: extra typing frames are simply dropped
        self.last_typing = now
        if not await self._allowed():
            return
        await self.channel_layer.group_send(
            case_group(self.case_id), events.chat_typing(user_id=self.user.pk)
        )

    async def _frame_read(self, content: dict[str, Any]) -> None:
        if not await self._slot(self.read_times, READS_PER_SECOND, "read frames"):
            return
        message_id = content.get("message_id")
        if not isinstance(message_id, int) or parse_id(message_id) is None:
            await self._error("invalid_message", "message_id must be an integer.")
            return
        try:
            await db(services.read_marker_set)(actor=self.user, case_id=self.case_id, message_id=message_id)
        except NotFound:
            await self._deny()
        except ApplicationError as exc:
            await self._error(exc.code, exc.message)

    FRAMES = {
        "message.send": _frame_send,
        "message.edit": _frame_change,
        "message.delete": _frame_change,
        "typing": _frame_typing,
        "read": _frame_read,
    }

    async def _message_slot(self) -> bool:
        return await self._slot(self.message_times, MESSAGES_PER_SECOND, "messages")

    async def _slot(self, times: deque[float], per_second: int, what: str) -> bool:
        """A sliding one-second window; going over is a violation (enough close 4429)."""
        now = time.monotonic()
        while times and now - times[0] >= 1.0:
            times.popleft()
        if len(times) >= per_second:
            await self._violation("rate_limited", f"At most {per_second} {what} per second.")
            return False
        times.append(now)
        return True

    async def _violation(self, code: str, detail: str) -> None:
        now = time.monotonic()
        while self.violation_times and now - self.violation_times[0] >= VIOLATION_WINDOW_SECONDS:
            self.violation_times.popleft()
        self.violation_times.append(now)
        await self._error(code, detail)
        if len(self.violation_times) >= VIOLATIONS_BEFORE_CLOSE:
            await self._deny(code=CLOSE_TOO_MANY_VIOLATIONS)

    async def _error(self, code: str, detail: str, client_msg_id: str | None = None) -> None:
        if await self._may_send():
            await self._send_frame(
                hub_events.error_frame(code=code, detail=detail, client_msg_id=client_msg_id)
            )

    async def _send_frame(self, frame: events.CaseFrame) -> None:
        """Every frame to the client goes out here: mypy refuses a shape outside
        ``CaseFrame``."""
        await self.send_json(frame)

    async def _send_shared(self, shared: fanout.SharedFrame) -> None:
        """A ``message.new`` frame encoded once per process (``fanout.SharedFrame``
        builds it with ``events.message_new_frame``, so it is a ``CaseFrame`` too)."""
        await self.send(text_data=shared.message_new_text())

    # --- group events --------------------------------------------------------------
    async def _catch_up(self, newest: int) -> None:
        """Send stored messages this socket has not had. A lost live event is normally
        noticed at the next one (its seq jumps); this also covers the last messages of
        a burst whose events were lost (layer overflow or expiry).

        ``newest``: the case's last seq (one index read); a socket that has everything
        needs no policy check and range read (the profile of bench/chat.py, issue 29: these were about a tenth of
        the process's samples). Messages stored but still on their way get the gap grace
        to arrive live before the audited read fills what is still missing."""
        if newest <= self.last_seq:
            return
        before = self.last_seq
        try:
            await asyncio.sleep(GAP_GRACE_SECONDS)
            if newest <= self.last_seq or self.closing:
                return
            if self.last_seq > before:
                # Live events arrived meanwhile: delivery is flowing, and a lost one shows
                # as a seq jump (filled then); the tail of a burst is the next beat's. No
                # audited read under the child's chain lock (which every send takes) then.
                return
            async with self.delivery_lock:
                await self._fill_gap(newest)
        except Exception:
            log.warning("chat catch-up failed", exc_info=True)

    async def chat_message(self, event: dict[str, Any]) -> None:
        async with self.delivery_lock:
            await self._deliver(event)

    async def _deliver(self, event: dict[str, Any], shared: fanout.SharedFrame | None = None) -> None:
        if not await self._may_send():
            return
        payload = event["message"]
        seq = payload["seq"]
        if payload["case_id"] != self.case_id or seq <= self.last_seq:
            return  # already sent (replay, or a gap fill that overtook this event)
        if time.monotonic() - self.last_verified > RECHECK_AFTER_SECONDS:
            self._recheck_soon()
        if seq > self.last_seq + 1:
            # Overtaken (its predecessor is in flight) or its predecessor was lost: wait
            # briefly for it, then fill the gap from the database.
            self.early[seq] = payload
            if self.gap_timer is None:
                self.gap_timer = asyncio.get_running_loop().call_later(GAP_GRACE_SECONDS, self._on_gap_grace)
            return
        if await self._may_send():
            if shared is not None:  # the same text, encoded once for the process's sockets
                await self._send_shared(shared)
            else:
                await self._send_frame(events.message_new_frame(message=payload))
            self.last_seq = seq
            await self._send_early()

    async def _send_early(self) -> None:
        """Events that arrived ahead of their turn and now follow ``last_seq``."""
        while (payload := self.early.pop(self.last_seq + 1, None)) is not None:
            if not await self._may_send():
                return
            await self._send_frame(events.message_new_frame(message=payload))
            self.last_seq = payload["seq"]
        for seq in [seq for seq in self.early if seq <= self.last_seq]:
            del self.early[seq]
        if not self.early and self.gap_timer is not None:
            self.gap_timer.cancel()
            self.gap_timer = None

    def _on_gap_grace(self) -> None:
        self.gap_timer = None
        if not self.closing:
            self.gap_task = asyncio.ensure_future(self._gap_grace_over())

    async def _gap_grace_over(self) -> None:
        async with self.delivery_lock:
            if self.early:
                await self._fill_gap(max(self.early))

    async def _fill_gap(self, through_seq: int) -> None:
        """A live event was lost or overtaken: send the stored ones in order."""
        gap = await _gap(self.user, self.case_id, self.last_seq, through_seq)
        if gap is None:
            await self._deny()
            return
        for missing in gap:
            if not await self._may_send():
                return
            if missing["seq"] <= self.last_seq:
                continue
            await self._send_frame(events.message_new_frame(message=missing))
            self.last_seq = missing["seq"]
        await self._send_early()

    async def chat_updated(self, event: dict[str, Any]) -> None:
        if await self._may_send():
            await self._send_frame(events.message_updated_frame(message=event["message"]))

    async def chat_read(self, event: dict[str, Any]) -> None:
        if await self._may_send():
            await self._send_frame(
                events.read_frame(user_id=event["user_id"], message_id=event["message_id"])
            )

    async def chat_presence(self, event: dict[str, Any]) -> None:
        if await self._may_send():
            await self._send_frame(events.presence_frame(online=event["online"]))

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event["user_id"] != self.user.pk and await self._may_send():
            await self._send_frame(events.typing_frame(user_id=event["user_id"]))

    async def access_changed(self, event: dict[str, Any]) -> None:
        """Consent revoked, team membership ended...: ask the policy again."""
        await self._allowed()

    async def force_close(self, event: dict[str, Any]) -> None:
        """Logout or deactivation: this user's sockets end now."""
        await self._deny(reason="signed_out" if event.get("reason") == "logout" else "account_inactive")

    async def team_changed(self, event: dict[str, Any]) -> None:
        """Someone joined or left the care team: the others see it in the chat (the
        member concerned gets their own close or nothing)."""
        if event["user_id"] != self.user.pk and await self._may_send():
            await self._send_frame(
                events.team_frame(change=event["change"], provider=event["provider"], at=event["at"])
            )

    CASE_EVENTS = {
        "chat.updated": chat_updated,
        "chat.read": chat_read,
        "chat.presence": chat_presence,
        "chat.typing": chat_typing,
        "team.changed": team_changed,
    }
    USER_EVENTS = {
        "access.changed": access_changed,
        "force.close": force_close,
    }
