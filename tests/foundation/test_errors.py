"""Every API error is {"detail", "code"} with the right status."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_unknown_api_route_is_json_404(api_client):
    user = User.objects.create_user("carol", password="pw-carol-2026")
    api_client.force_authenticate(user)
    response = api_client.get("/api/v1/me/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    response = api_client.delete("/api/v1/me/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_malformed_json_is_a_400_with_code(api_client):
    response = api_client.post("/api/v1/auth/token/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_anonymous_throttle_answers_429_with_code(api_client):
    from rest_framework.throttling import AnonRateThrottle

    old = AnonRateThrottle.THROTTLE_RATES
    AnonRateThrottle.THROTTLE_RATES = {**old, "anon": "2/min"}
    try:
        responses = [
            api_client.post("/api/v1/auth/token/", {"username": "x", "password": "y"}) for _ in range(3)
        ]
    finally:
        AnonRateThrottle.THROTTLE_RATES = old
    assert [r.status_code for r in responses] == [400, 400, 429]
    body = responses[2].json()
    assert body["code"] == "throttled"
    assert body["retry_after_seconds"] > 0


def _settings_values(*exprs: str, **env: str) -> list[str]:
    """Evaluate settings expressions in a fresh process with ``env`` (one start-up)."""
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    code = "import django; django.setup(); from django.conf import settings as s; " + "; ".join(
        f"print({expr})" for expr in exprs
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "referral_hub.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()


ENGINE = "s.DATABASES['default']['ENGINE']"
LAYER = "s.CHANNEL_LAYERS['default']['BACKEND']"
CACHE = "s.CACHES['default']['BACKEND']"


def test_embedded_default_is_sqlite_and_in_memory_layer():
    assert _settings_values(ENGINE, LAYER) == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
    ]


def test_environment_switches_to_postgres_and_redis():
    env = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x", "REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert _settings_values(ENGINE, LAYER, CACHE, **env) == [
        "django.db.backends.postgresql",
        "referral_hub.layers.PubSubChannelLayer",  # channels-redis' pub/sub, sends batched
        "django.core.cache.backends.redis.RedisCache",
    ]
    from channels_redis.pubsub import RedisPubSubChannelLayer

    from referral_hub.layers import PubSubChannelLayer

    assert issubclass(PubSubChannelLayer, RedisPubSubChannelLayer)
    prefix = "s.CHANNEL_LAYERS['default']['CONFIG']['prefix']"
    assert _settings_values(prefix, **env) == ["referral-hub-0"]
    env["REDIS_CHANNEL_LAYER"] = "core"
    assert _settings_values(LAYER, **env) == ["channels_redis.core.RedisChannelLayer"]


def test_throttling_can_be_switched_off():
    env = {"API_THROTTLE_ANON": "off", "API_THROTTLE_USER": "off"}
    assert _settings_values("s.REST_FRAMEWORK['DEFAULT_THROTTLE_CLASSES']", **env) == ["[]"]


def test_an_api_url_that_matches_no_route_is_a_json_404(api_client):
    for path in ("/api/v1/cases/1.5/", "/api/v1/referrals/abc/accept/", "/fhir/Task/not-a-number"):
        response = api_client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not Found.", "code": "not_found"}


def test_a_web_page_that_matches_no_route_stays_an_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_lock_that_outlives_the_busy_timeout_is_a_503_to_retry_not_a_500():
    """The floor under the SQLite defaults (the live version holds a real lock: see
    tests/e2e/test_concurrency.py): the API and web pages answer 503 ``database_busy``."""
    from django.db import OperationalError
    from django.test import RequestFactory

    from referral_hub.errors import exception_handler
    from referral_hub.middleware import DatabaseBusyMiddleware

    locked = OperationalError("database is locked")
    api_response = exception_handler(locked, {})
    assert api_response.status_code == 503
    assert api_response.data["code"] == "database_busy"
    assert api_response["Retry-After"] == "1"
    page = DatabaseBusyMiddleware(lambda request: None).process_exception(
        RequestFactory().post("/referrals/1/accept/"), locked
    )
    assert page.status_code == 503 and page["Retry-After"] == "1"
    # Other database errors are not dressed up as "busy".
    assert exception_handler(OperationalError("no such table: x"), {}) is None


@pytest.mark.parametrize("configured_by", ["SQLITE_PATH", "DATABASE_URL"])
def test_sqlite_runs_wal_with_immediate_transactions_and_a_busy_timeout(tmp_path, configured_by):
    """Every connection of an SQLite database is in WAL mode with a busy timeout, and
    transactions begin IMMEDIATE (docs/embedded-default.md), whether SQLite is the
    embedded default or chosen with ``DATABASE_URL=sqlite:///…`` (issue 23, finding 10:
    the URL skipped all three, and 16 concurrent accepts gave 13 x 503)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "referral_hub.settings"
    path = tmp_path / "db.sqlite3"
    if configured_by == "SQLITE_PATH":
        env["SQLITE_PATH"] = str(path)
    else:
        env["DATABASE_URL"] = f"sqlite:///{path}"
    code = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0]); "
        "print(c.execute('PRAGMA busy_timeout').fetchone()[0]); "
        "print(connection.transaction_mode)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["wal", "20000", "IMMEDIATE"]
