"""Shared fixtures. Tests needing real services use ``postgres_url``/``redis_url``:
when the service is unreachable they skip locally but FAIL when ``CI`` is set."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/referral_hub"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 0), timeout=2):
            return True
    except OSError:
        return False


def require_service(url: str, what: str) -> str:
    if _reachable(url):
        return url
    message = f"{what} at {url} is not reachable"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set: service-backed tests must run)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def redis_url() -> str:
    return require_service(os.environ.get("REDIS_URL") or DEFAULT_REDIS, "Redis")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return require_service(os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES, "PostgreSQL")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs ~0.3 s a password; tests hash many. Production hashing is untouched."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """Transactional tests flush and recreate content types and permissions with new ids;
    a cached ContentType (guardian's permission rows point at it) would be stale."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _jobs_run_inline():
    """Celery tasks run in the calling process (eager), so a test sees the outbox kick's
    effect at once; worker tests (tests/operations) switch to a real worker."""
    from referral_hub.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Throttle counters and axes state live in the cache: no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def demo(db):
    """The demo world (``seed_demo``), as a dict of the objects the apps seeded."""
    from importlib import import_module

    from django.conf import settings

    from referral_hub.management.commands.seed_demo import ORDER

    world: dict = {"password": settings.DEMO_PASSWORD}

    class _Null:
        def write(self, *args, **kwargs):
            return None

    for app in ORDER:
        try:
            module = import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise
            continue
        module.seed(world, _Null())
    return world
