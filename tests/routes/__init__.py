"""Route inventory expectations, one module per app: ``tests/routes/<app>.py`` exports
``ROUTES: list[Route]`` (HTTP) and optionally ``WS_ROUTES: list[WsRoute]``."""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

ROLES = (
    "anonymous",
    "guardian",
    "guardian2",
    "team_provider",
    "outsider",
    "curator",
    "network_lead",
    "coordinator",
)
# The demo login that plays each role (see seed_demo).
ROLE_USERNAMES = {
    "guardian": "guardian",
    "guardian2": "guardian2",
    "team_provider": "pediatrician",
    "outsider": "outsider",
    "curator": "curator",
    "network_lead": "network_lead",
    "coordinator": "coordinator",
}


def everyone(status: int) -> dict[str, int]:
    """Every role but the coordinator, who takes the network lead's answer unless a
    route pins it (see ``Route.__post_init__``)."""
    return {role: status for role in ROLES if role != "coordinator"}


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

    def __post_init__(self) -> None:
        # Outside /indicators/ a network lead is an account with no listing, no family
        # and no curation rights: where a route pins no answer for it, it gets the
        # curator's answer for the routes curators share with everyone (checked per
        # route by the walk below, so a wrong default fails loudly).
        if "network_lead" not in self.expect and "curator" in self.expect:
            self.expect = {**self.expect, "network_lead": self.expect["curator"]}
        # A care coordinator, outside /coordination/, is likewise an account with no
        # listing, no family and no curation rights: the network lead's answer unless
        # pinned (the indicators and intake routes pin theirs).
        if "coordinator" not in self.expect and "network_lead" in self.expect:
            self.expect = {**self.expect, "coordinator": self.expect["network_lead"]}


@dataclass
class WsRoute:
    """A WebSocket route: ``expect`` maps role -> "accept" or a close code (4401, 4403)."""

    name: str
    path: Callable[[dict[str, Any]], str]
    expect: dict[str, str | int]

    def __post_init__(self) -> None:
        if "network_lead" not in self.expect and "curator" in self.expect:
            self.expect = {**self.expect, "network_lead": self.expect["curator"]}
        # A care coordinator, outside /coordination/, is likewise an account with no
        # listing, no family and no curation rights: the network lead's answer unless
        # pinned (the indicators and intake routes pin theirs).
        if "coordinator" not in self.expect and "network_lead" in self.expect:
            self.expect = {**self.expect, "coordinator": self.expect["network_lead"]}


def inventory() -> tuple[list[Route], list[WsRoute]]:
    """Every app's expectations: (HTTP routes, WebSocket routes)."""
    routes: list[Route] = []
    ws_routes: list[WsRoute] = []
    for info in pkgutil.iter_modules(__path__):
        module = import_module(f"{__name__}.{info.name}")
        routes += getattr(module, "ROUTES", [])
        ws_routes += getattr(module, "WS_ROUTES", [])
    return routes, ws_routes
