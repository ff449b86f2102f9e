"""The periodic policy re-check of a process's chat sockets, one query per case.

While messages flow, every chat socket re-asks the policy when its last answer is older
than ``RECHECK_AFTER_SECONDS`` (a lost ``access.changed`` event must not keep a socket
open for long; the layer is at-most-once). Asked socket by socket, that was one
thread-pool query per socket per period: with 100 sockets of a case on a process, 20
queries a second, a fifth of the process's samples in the profile of bench/chat.py
(issue 29). Here the first socket of a case to find its answer old starts ONE query for
all of the process's sockets of that case (``messaging.policies.chat_access_many``: the
same gate, the same consent decision as ``chat_access``), and each socket gets its own
answer from it: a denied socket closes 4403, an allowed one re-arms its consent-expiry
timer and counts as verified now. One check in flight per case per process: a socket
that asks while one runs is answered by it (or, if it joined after the query started,
by the next one).

Only this background work is batched. The check at connect, on client frames, at a
consent's expiry instant and on ``access.changed`` (revocation, on the user's group,
immediate) stay per socket in ``messaging.consumers``.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol, runtime_checkable

from messaging import fanout
from messaging.policies import ChatPass

log = logging.getLogger(__name__)


@runtime_checkable
class Rechecked(Protocol):
    """A chat socket as the re-check sees it (``CaseChatConsumer``). Private names: a
    public coroutine method of a consumer is a layer event type anyone could send it."""

    closing: bool

    def _recheck_user_id(self) -> int: ...

    async def _recheck_answer(self, chat_pass: ChatPass | None, asked_at: float) -> None: ...


# (case_id, user ids) -> user id -> pass; the policy query, run off the event loop.
Query = Callable[[int, list[int]], Awaitable[dict[int, ChatPass]]]

_checks: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[tuple[Any, int, str], asyncio.Task[set[int]]]
] = weakref.WeakKeyDictionary()


def _loop_checks() -> dict[tuple[Any, int, str], asyncio.Task[set[int]]]:
    loop = asyncio.get_running_loop()
    checks = _checks.get(loop)
    if checks is None:
        checks = _checks[loop] = {}
    return checks


def request(layer: Any, case_id: int, query: Query) -> asyncio.Task[set[int]]:
    """The case's check in flight on this process, started now if there is none. Its
    result: the ids (``id()``) of the sockets it answered. Await it through
    ``asyncio.shield``: it is shared."""
    return _once((layer, case_id, "recheck"), lambda: _check(layer, case_id, query))


def _once(
    key: tuple[Any, int, str], start: Callable[[], Coroutine[Any, Any, set[int]]]
) -> asyncio.Task[set[int]]:
    checks = _loop_checks()
    task = checks.get(key)
    if task is None or task.done():
        task = checks[key] = asyncio.ensure_future(start())
        task.add_done_callback(lambda done: _forget(checks, key, done))
    return task


def _forget(
    checks: dict[tuple[Any, int, str], asyncio.Task[set[int]]], key: tuple[Any, int, str], done: Any
) -> None:
    if checks.get(key) is done:
        del checks[key]
    if not done.cancelled() and done.exception() is not None:
        log.warning("chat %s of case %s failed", key[2], key[1], exc_info=done.exception())


def _local(layer: Any, case_id: int) -> list[Rechecked]:
    return [
        socket
        for socket in fanout.case_sockets(layer, case_id)
        if isinstance(socket, Rechecked) and not socket.closing
    ]


async def _check(layer: Any, case_id: int, query: Query) -> set[int]:
    sockets = _local(layer, case_id)
    if not sockets:
        return set()
    asked_at = time.monotonic()
    passes = await query(case_id, sorted({socket._recheck_user_id() for socket in sockets}))
    # A denial waits on the database (the reason) and the close: each socket its own.
    results = await asyncio.gather(
        *(socket._recheck_answer(passes.get(socket._recheck_user_id()), asked_at) for socket in sockets),
        return_exceptions=True,
    )
    for result in results:
        if isinstance(result, Exception):
            log.warning("applying a chat re-check failed", exc_info=result)
    return {id(socket) for socket in sockets}
