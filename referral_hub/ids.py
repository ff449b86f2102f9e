"""The one parser for database ids from untrusted input (URLs, query strings, JSON
bodies, socket frames)."""

from __future__ import annotations

# bigint: larger ids cannot exist, and would overflow the driver.
MAX_ID = 2**63 - 1


def parse_id(value: object, *, allow_zero: bool = False) -> int | None:
    """``value`` as an id, or None: an int (not a bool) or a string of decimal digits,
    in ``1..MAX_ID`` (``0..MAX_ID`` with ``allow_zero``, for "after" cursors)."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    low = 0 if allow_zero else 1
    return number if low <= number <= MAX_ID else None


def id_for_lookup(value: object) -> int:
    """``parse_id(value)`` for a database filter: 0 (which no row has) when it is not an
    id, so a malformed id finds nothing instead of raising."""
    return parse_id(value) or 0
