"""Bookkeeping around scheduled jobs: each run leaves a ``JobRun`` row (ok or failed,
with a short summary), which the admin and ``/metrics`` read."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.utils import timezone

from outbox.models import JobRun

P = ParamSpec("P")
R = TypeVar("R")


def tracked(job: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Record a ``JobRun`` for every call of the wrapped job; failures re-raise."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            record = JobRun.objects.create(job=job)
            try:
                result = func(*args, **kwargs)
            except Exception as exc:
                JobRun.objects.filter(pk=record.pk).update(
                    finished_at=timezone.now(), ok=False, detail=f"{type(exc).__name__}: {exc}"[:500]
                )
                raise
            JobRun.objects.filter(pk=record.pk).update(
                finished_at=timezone.now(), ok=True, detail=str(result)[:500]
            )
            return result

        return run

    return decorate
