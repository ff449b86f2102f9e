"""A real Celery worker, on the configured broker (Redis when REDIS_URL is set, the
embedded filesystem transport otherwise), delivers what a request queued."""

from __future__ import annotations

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from kombu import pools

from outbox.models import OutboxMessage, OutboxStatus
from referral_hub.celery import app
from tests.factories.referrals import referral_world, send


def _fresh_broker_connections() -> None:
    """Publishers reuse pooled connections made with the broker options of their time:
    drop them so tasks go where this worker listens."""
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def worker(transactional_db, tmp_path):
    """A worker thread consuming the real broker; tasks are published, not run inline."""
    app.conf.task_always_eager = False
    if not os.environ.get("REDIS_URL"):
        folders = {name: tmp_path / name for name in ("queue", "control")}
        for folder in folders.values():
            folder.mkdir()
        app.conf.broker_transport_options = {
            "data_folder_in": str(folders["queue"]),
            "data_folder_out": str(folders["queue"]),
            "control_folder": str(folders["control"]),
        }
    else:
        assert django_settings.CELERY_BROKER_URL.startswith("redis://")
        app.connection_for_write().default_channel.client.flushdb()
    _fresh_broker_connections()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as running:
        yield running
    app.conf.broker_transport_options = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS
    _fresh_broker_connections()


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_delivers_the_referral_email_queued_by_the_request(worker, smtp):
    smtp.up()
    world = referral_world()
    referral = send(world)
    # The recipient's e-mail, and the family's (issue 25: families hear of referrals).
    assert wait_for(lambda: len(smtp.mailbox.messages) == 2), "the worker delivered the e-mails"
    message = next(m for m in smtp.mailbox.messages if m["To"] == world.recipient.user.email)
    assert f"/referrals/{referral.pk}/" in message.get_payload()
    assert message["To"] == world.recipient.user.email
    row = OutboxMessage.objects.get(kind="referral")
    assert row.status == OutboxStatus.SENT
