"""Send one inventory route (``tests/routes``) as each role, each request in a rolled-back
transaction, so every role meets the same world. The route inventory's walk and the exit
inventory's walks read the answers; what each checks is theirs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse

from tests.routes import ROLE_USERNAMES, ROLES, Route


def url_of(route: Route, world: dict[str, Any]) -> str:
    return reverse(route.name, kwargs=route.kwargs(world)) + (f"?{route.query}" if route.query else "")


def body_of(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@dataclass
class Answer:
    method: str
    role: str
    user: User | None
    url: str
    response: Any
    body: str
    before: Any  # what ``before()`` read just before the request (e.g. the last audit row)

    def where(self) -> str:
        return f"{self.method} {self.url} as {self.role} ({self.response.status_code})"


def walk(
    route: Route,
    world: dict[str, Any],
    client: Any,
    *,
    roles: Iterable[str] = ROLES,
    skip: Callable[[str, User], bool] | None = None,
    before: Callable[[], Any] | None = None,
) -> Iterator[Answer]:
    """Each role's answer, yielded inside its request's transaction (the caller may read
    what the request wrote); rolled back when the caller moves on. ``skip(role, user)``
    leaves a signed-in role out."""
    url = url_of(route, world)
    for role in roles:
        client.logout()
        user = None
        if role != "anonymous":
            user = User.objects.get(username=ROLE_USERNAMES[role])
            if skip is not None and skip(role, user):
                continue
            client.force_login(user)
        with transaction.atomic():
            seen = before() if before is not None else None
            data = route.data(world) if route.data else None
            response = (
                getattr(client, route.method)(url, data=data, content_type="application/json")
                if route.method != "get"
                else client.get(url)
            )
            yield Answer(route.method.upper(), role, user, url, response, body_of(response), seen)
            transaction.set_rollback(True)
