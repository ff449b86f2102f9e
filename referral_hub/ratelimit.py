"""A fixed-window rate limit in the shared cache (Redis when ``REDIS_URL`` is set, so
every replica counts together), for places DRF throttles do not reach: the web
sign-up form and WebSocket frames. Rates read like DRF's: ``"10/hour"``, ``"30/s"``;
``"off"`` disables."""

from __future__ import annotations

import time

from django.core.cache import cache

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """``(requests, seconds)``, or None for ``off``."""
    if not rate or rate.strip().lower() == "off":
        return None
    count, _, period = rate.strip().partition("/")
    return int(count), _PERIODS[period.strip()[:1].lower()]


def allow(scope: str, ident: str, rate: str) -> bool:
    """Count one event for ``ident`` and say whether it is within ``rate``."""
    parsed = parse_rate(rate)
    if parsed is None:
        return True
    limit, seconds = parsed
    window = int(time.time() // seconds)
    key = f"ratelimit:{scope}:{ident}:{window}"
    if cache.add(key, 1, timeout=seconds + 1):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds + 1)
        return True
