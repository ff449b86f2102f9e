"""Route inventory expectations, one module per app: ``tests/routes/<app>.py`` exports
``ROUTES: list[Route]`` (HTTP) and optionally ``WS_ROUTES: list[WsRoute]``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("anonymous", "guardian", "guardian2", "team_provider", "outsider", "curator")
# The demo login that plays each role (see seed_demo).
ROLE_USERNAMES = {
    "guardian": "guardian",
    "guardian2": "guardian2",
    "team_provider": "pediatrician",
    "outsider": "outsider",
    "curator": "curator",
}


def everyone(status: int) -> dict[str, int]:
    return {role: status for role in ROLES}


@dataclass
class Route:
    """One URL name and the status each role gets. ``kwargs``/``data``/``query`` are
    built from the demo world (``seed_demo``'s objects), so ids are real."""

    name: str
    expect: dict[str, int]
    method: str = "get"
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda world: {})
    data: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    query: str = ""
    label: str = ""


@dataclass
class WsRoute:
    """A WebSocket route: ``expect`` maps role -> "accept" or a close code (4401, 4403)."""

    name: str
    path: Callable[[dict[str, Any]], str]
    expect: dict[str, str | int]
