"""An operator asks: is the process up, can it serve, and what are the figures?"""

from __future__ import annotations

import pytest

from outbox import services as outbox
from referral_hub.celery import app
from tests.factories.referrals import referral_world, send
from tests.mailserver import free_port


def test_healthz_answers_while_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_checks_the_configured_dependencies(db, client, settings):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    if settings.REDIS_URL:
        assert checks["redis"] == "ok" and checks["broker"] == "ok"
    else:
        assert set(checks) == {"database"}, "embedded default: only the database"


@pytest.fixture
def redis_down(settings):
    """Point Redis and the job broker at a port where nothing listens."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    previous = app.conf.broker_url
    settings.REDIS_URL = url
    settings.CELERY_BROKER_URL = url
    app.conf.broker_url = url
    yield
    app.conf.broker_url = previous


def test_readyz_is_503_and_names_what_is_failing(db, client, redis_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["broker", "redis"]
    assert body["checks"]["database"] == "ok"


def test_metrics_are_open_in_debug_with_our_figures(db, client, settings, django_capture_on_commit_callbacks):
    settings.DEVELOPMENT = True
    world = referral_world()
    with django_capture_on_commit_callbacks(execute=True):
        send(world)
        send(world)
    outbox.outbox_email(key="m:1", to_address="x@example.test", subject="s", body="b", kind="t")
    text = client.get("/metrics").content.decode()
    assert 'referral_hub_referrals{status="sent"} 2.0' in text
    assert 'referral_hub_referrals{status="completed"} 0.0' in text
    assert "referral_hub_outbox_backlog 1.0" in text
    assert "referral_hub_outbox_failed 0.0" in text
    assert 'referral_hub_job_runs_total{job="deliver_outbox",result="ok"}' in text
    assert "referral_hub_open_chat_sockets" in text
    assert "referral_hub_audit_rows_written_total" in text
    assert "django_http_requests_total_by_method_total" in text  # django-prometheus


def test_metrics_do_not_exist_in_production_without_a_token(client, settings):
    settings.DEVELOPMENT = False
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404


def test_metrics_in_production_need_the_bearer_token(db, client, settings):
    settings.DEVELOPMENT = False
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert response.status_code == 200
    assert "referral_hub_outbox_backlog" in response.content.decode()
