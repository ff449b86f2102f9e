"""Operations endpoints: ``/healthz`` (the process answers), ``/readyz`` (what it
depends on answers) and ``/metrics`` (Prometheus text; open with DJANGO_DEBUG=1, else
only with ``Authorization: Bearer <METRICS_TOKEN>``; without a token it does not exist)."""

from __future__ import annotations

import hmac
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from referral_hub.celery import app as celery_app


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving requests (no dependency checked)."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_redis() -> None:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def _check_broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def readiness_checks() -> dict[str, Callable[[], None]]:
    """The database always; Redis and the job broker when configured (on the embedded
    default the broker is a local folder and nothing else runs)."""
    checks: dict[str, Callable[[], None]] = {"database": _check_database}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        checks["broker"] = _check_broker
    return checks


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when every dependency answers; 503 naming the failing ones."""
    results: dict[str, str] = {}
    for name, check in readiness_checks().items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # any failure means "not ready", named, never a 500
            results[name] = f"failing: {type(exc).__name__}"
    failing = sorted(name for name, state in results.items() if state != "ok")
    body = {"status": "unavailable" if failing else "ok", "checks": results, "failing": failing}
    return JsonResponse(body, status=503 if failing else 200)


def _metrics_allowed(request: HttpRequest) -> bool:
    if settings.DEVELOPMENT:
        return True
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _metrics_allowed(request):
        response = HttpResponse("Bearer token required.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
