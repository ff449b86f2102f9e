"""Property-based API check (schemathesis): whatever a client sends to any operation in
our OpenAPI schema, anonymous or signed in, the server answers without a 5xx, and every
error body is ``{"detail", "code"}``."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


def _content_type(response) -> str:
    for key, values in response.headers.items():
        if key.lower() == "content-type":
            return values[0] if isinstance(values, list) else values
    return ""


def _error_body_has_code(response, case) -> None:
    if response.status_code >= 400 and _content_type(response).startswith("application/json"):
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


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_anonymous_requests_never_crash_the_server(case, demo):
    response = case.call()
    assert response.status_code < 500, f"{case.method} {case.formatted_path} -> {response.status_code}"
    _error_body_has_code(response, case)


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_provider_requests_never_crash_the_server(case, demo):
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=demo["users"]["pediatrician"])
    response = case.call(headers={"Authorization": f"Token {token.key}"})
    assert response.status_code < 500, f"{case.method} {case.formatted_path} -> {response.status_code}"
    _error_body_has_code(response, case)
