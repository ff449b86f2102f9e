"""The property-based API check (schemathesis), shared by the ``test_api_fuzz_*`` modules:
whatever a client sends to any operation in our OpenAPI schema, as anonymous, guardian,
provider or curator (and as the network lead or the care coordinator where only they
are let in), the server answers without a 5xx and exactly as the schema documents it
(status code, content type, body), and every error body is ``{"detail", "code"}``.

One module per role or two, so pytest-xdist (which hands out a module's tests to one
worker) spreads the ~500 generated tests over the workers."""

from __future__ import annotations

import re
from functools import cache

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

SCHEMA_PATH = "/api/schema/?format=json"
schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, get_wsgi_application())
# Signed out, an operation that requires an account refuses (401/403) before its view reads
# the input; what it reads first (the URL's converters: 404; the body's JSON: 400) every
# role meets alike, and the signed-in roles' coverage phase walks it. So the signed-out
# walk of those operations keeps the fuzzing phase (15 examples, every answer checked
# against the schema) and leaves out the coverage phase's ~40 boundary inputs an
# operation. Operations open to the signed out (the schema's security lists ``{}``) get both.
without_coverage = schemathesis.openapi.from_wsgi(
    SCHEMA_PATH,
    get_wsgi_application(),
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}}),
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Demo logins: a guardian (family 1), a provider on the care team, the curator; the
# network lead and the care coordinator for the operations only they are let into.
ROLES = {
    "anonymous": None,
    "guardian": "guardian",
    "provider": "pediatrician",
    "curator": "curator",
    "network_lead": "network_lead",
    "coordinator": "coordinator",
}
SIGNED_IN = ("guardian", "provider", "curator")
ONLY_THEIRS = ("network_lead", "coordinator")


def _content_type(response) -> str:
    for key, values in response.headers.items():
        if key.lower() == "content-type":
            return values[0] if isinstance(values, list) else values
    return ""


def _error_body_has_code(response) -> None:
    if response.status_code >= 400 and "json" in _content_type(response):
        body = response.json()
        assert isinstance(body, dict) and "detail" in body and "code" in body, body


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The real WSGI handler closes the DB connection at the end of every request
    (``close_old_connections``); inside a test that would drop the test's transaction on
    PostgreSQL. Django's test client disconnects it the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


def _headers(demo, role: str) -> dict[str, str]:
    from rest_framework.authtoken.models import Token

    username = ROLES[role]
    if username is None:
        return {}
    token, _ = Token.objects.get_or_create(user=demo["users"][username])
    return {"Authorization": f"Token {token.key}"}


def _open_to_the_signed_out(ctx) -> bool:
    security = ctx.operation.definition.raw.get("security")
    return security is None or {} in security


# Which roles the coverage phase walks, from the route inventory (tests/routes): the
# coverage phase sends ~40 boundary inputs an operation (URL parameters, query and body
# fields at and past their limits). A role the inventory pins as refused at the door
# (401, 403: permission checks run before a view reads its input; 405) meets the same
# URL converters and the same refusal whatever the input, and its fuzzing phase (15
# examples, every answer checked against the schema) still walks that; every other
# role, and every role of an operation the inventory does not name, gets both phases. A
# 404 in the inventory is about its demo object, not the role, so it keeps both.
INVENTORY_ROLE = {"guardian": "guardian", "provider": "team_provider", "curator": "curator"}
INVENTORY_ROLE.update({role: role for role in ONLY_THEIRS})
REFUSED_AT_THE_DOOR = (401, 403, 405)


def _url_name(ctx) -> str | None:
    from django.urls import Resolver404, resolve

    for sample in ("1", "00000000-0000-4000-8000-000000000001", "a"):
        path = re.sub(r"{[^}]+}", sample, ctx.operation.path)
        try:
            return resolve(path).url_name
        except Resolver404:
            continue
    return None


@cache
def _let_in() -> dict[tuple[str, str], frozenset[str]]:
    """(URL name, method) -> the inventory roles some entry of it lets past the door."""
    from tests.routes import inventory

    let_in: dict[tuple[str, str], set[str]] = {}
    for route in inventory()[0]:
        roles = {role for role, status in route.expect.items() if status not in REFUSED_AT_THE_DOOR}
        let_in.setdefault((route.name, route.method.lower()), set()).update(roles)
    return {key: frozenset(roles) for key, roles in let_in.items()}


def _reaches(ctx, role: str) -> bool | None:
    """Whether ``role`` gets past the door of the operation; None when the inventory does
    not say (the operation is not in it)."""
    key = (_url_name(ctx), ctx.operation.method.lower())
    if key not in _let_in():
        return None
    return INVENTORY_ROLE[role] in _let_in()[key]


def _coverage_for(role: str):
    def keep(ctx) -> bool:
        reaches = _reaches(ctx, role)
        if role in ONLY_THEIRS:  # where none of the three signed-in roles gets in
            return bool(reaches) and not any(_reaches(ctx, other) for other in SIGNED_IN)
        return reaches is not False

    return keep


def _fuzzing_only_for(role: str):
    def keep(ctx) -> bool:
        return not _coverage_for(role)(ctx)

    return keep


def _as(role: str, *, coverage: bool):
    chosen = (schema if coverage else without_coverage).include(
        _coverage_for(role) if coverage else _fuzzing_only_for(role)
    )

    @pytest.mark.django_db
    @chosen.parametrize()
    @FUZZ
    def test(case, demo):
        response = case.call_and_validate(headers=_headers(demo, role), checks=CHECKS)
        _error_body_has_code(response)

    test.__doc__ = f"As {role}: {'both phases' if coverage else 'fuzzing only'}."
    return test
