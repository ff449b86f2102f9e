"""Property-based API check (schemathesis): whatever a client sends to any operation in
our OpenAPI schema, as anonymous, guardian, provider or curator, the server answers
without a 5xx and exactly as the schema documents it (status code, content type, body),
and every error body is ``{"detail", "code"}``."""

from __future__ import annotations

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
# Demo logins: a guardian (family 1), a provider on the care team, the curator.
ROLES = {"anonymous": None, "guardian": "guardian", "provider": "pediatrician", "curator": "curator"}


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


@pytest.mark.django_db
@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
@schema.parametrize()
@FUZZ
def test_every_answer_is_as_documented_for_every_role(case, demo, role):
    response = case.call_and_validate(headers=_headers(demo, role), checks=CHECKS)
    _error_body_has_code(response)


@pytest.mark.django_db
@schema.include(_open_to_the_signed_out).parametrize()
@FUZZ
def test_every_answer_is_as_documented_signed_out(case, demo):
    response = case.call_and_validate(checks=CHECKS)
    _error_body_has_code(response)


@pytest.mark.django_db
@without_coverage.exclude(_open_to_the_signed_out).parametrize()
@FUZZ
def test_every_answer_is_as_documented_signed_out_fuzzing_only(case, demo):
    response = case.call_and_validate(checks=CHECKS)
    _error_body_has_code(response)
