"""Every route, every role (Zulip's test_urls pattern): a URL pattern without an entry
in tests/routes/<app>.py fails, and each entry pins the answer per role."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.routes import ROLE_USERNAMES, ROLES, Route, inventory
from tests.routes.walk import url_of, walk
from tests.security import audit_walk
from tests.ws import handshake

SKIP_PREFIXES = ("admin/", "static/")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


ROUTES, WS_ROUTES = inventory()


def test_every_http_route_is_in_the_inventory():
    covered = {route.name for route in ROUTES}
    missing = []
    for path, name in _walk(get_resolver().url_patterns):
        if path.startswith(SKIP_PREFIXES):
            continue
        if name is None:
            missing.append(f"{path} (unnamed: name it)")
        elif name not in covered:
            missing.append(f"{path} ({name})")
    assert not missing, "Routes with no expectation in tests/routes/: " + ", ".join(missing)


def test_every_websocket_route_is_in_the_inventory():
    from referral_hub.routing import websocket_urlpatterns

    covered = {route.name for route in WS_ROUTES}
    names = [p.name for p in websocket_urlpatterns]
    assert None not in names, "name every websocket route"
    assert set(names) <= covered, f"WebSocket routes missing from tests/routes/: {set(names) - covered}"


def test_every_role_is_pinned_for_every_route():
    for route in ROUTES:
        assert set(route.expect) == set(ROLES), f"{route.name}: expectations must cover {ROLES}"


@pytest.mark.parametrize("route", ROUTES, ids=[r.label or f"{r.method}-{r.name}" for r in ROUTES])
def test_route_answers_each_role_as_expected_and_logs_each_child_it_names(route: Route, demo, client):
    """One request per role: its status is the one pinned, and the access-log rows it
    wrote name exactly the children its answer names (tests/security/audit_walk.py)."""
    patterns = audit_walk.child_patterns()
    got, unlogged = {}, []
    for answer in walk(route, demo, client, before=audit_walk.last_event_id):
        got[answer.role] = answer.response.status_code
        problem = audit_walk.logging_problem(route, answer, patterns)
        if problem:
            unlogged.append(problem)
    assert got == route.expect, f"{route.method.upper()} {url_of(route, demo)}"
    assert not unlogged, "\n".join(unlogged)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("ws_route", WS_ROUTES, ids=[r.name for r in WS_ROUTES])
async def test_websocket_route_answers_each_role_as_expected(ws_route, demo):
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator
    from django.test import Client

    from referral_hub.asgi import application

    path = ws_route.path(demo)
    got = {}
    for role in ROLES:
        headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
        if role != "anonymous":
            client = Client()
            from django.contrib.auth.models import User

            user = await sync_to_async(User.objects.get)(username=ROLE_USERNAMES[role])
            await sync_to_async(client.force_login)(user)
            cookie = client.cookies["sessionid"].value
            headers.append((b"cookie", f"sessionid={cookie}".encode()))
        communicator = WebsocketCommunicator(application, path, headers=headers)
        got[role] = await handshake(communicator)
        await communicator.disconnect()
    assert got == ws_route.expect, path
