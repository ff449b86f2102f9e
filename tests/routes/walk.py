"""Send one inventory route (``tests/routes``) as each role, each request in a rolled-back
transaction, so every role meets the same world. The route inventory's walk and the exit
inventory's walks read the answers; what each checks is theirs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse

from tests.routes import ROLE_USERNAMES, ROLES, Route


def role_sessions() -> dict[str, str]:
    """A signed-in session per role, stored once with the world it belongs to (the
    shared demo world, or a test's own), as ``Client.force_login`` would store it. The
    walk hands each role its session's cookie instead of signing in and out around every
    request: those two took a third of a walk's time (the login signals, the session
    written and flushed). The session keys only the account, so a request meets the
    account exactly as after a real sign-in."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    backend = next(  # the backend force_login picks: the first that can load a user
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    keys: dict[str, str] = {}
    for role, username in ROLE_USERNAMES.items():
        user = User.objects.get(username=username)
        session = store()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        keys[role] = str(session.session_key)
    return keys


def _sign_in_as(client: Any, role: str, user: User | None, world: dict[str, Any]) -> None:
    """The client as ``role``: a fresh cookie jar (as ``logout`` leaves it), carrying the
    role's session when it has one; a world without sessions signs in for real."""
    client.cookies = SimpleCookie()
    if user is None:
        return
    sessions = world.get("role_sessions", {})
    if role in sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    else:
        client.force_login(user)


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
        user = None
        if role != "anonymous":
            user = User.objects.get(username=ROLE_USERNAMES[role])
            if skip is not None and skip(role, user):
                continue
        _sign_in_as(client, role, user, world)
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
