"""Calls raced at the same instant, one thread (and one database connection) each: the
row-lock tests of several apps (PostgreSQL pass)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def race(
    calls: list[Callable[[], Any]],
    *,
    outcome: Callable[[Any], Any],
    refused: tuple[type[BaseException], ...],
    refusal: Callable[[BaseException], Any],
    timeout: float = 60,
) -> list[Any]:
    """Start every call at once (a barrier); return, in the calls' order, ``outcome`` of
    what a call returned or ``refusal`` of what it raised among ``refused``. Anything else
    raised leaves ``None`` (and is printed by the thread), which no test expects."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            outcomes[i] = outcome(call())
        except refused as exc:
            outcomes[i] = refusal(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return outcomes
