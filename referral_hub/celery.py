"""The Celery app: ``celery -A referral_hub worker --beat``.

The base imports no domain app: tasks are found by autodiscovery of ``<app>/tasks.py``
in ``INSTALLED_APPS``, and the beat schedule is what the apps register in ``ready()``
(``referral_hub.extensions.beat_schedule``, handed to Celery as ``CELERY_BEAT_SCHEDULE``).
Broker: Redis when ``REDIS_URL`` is set; otherwise kombu's filesystem transport (see
settings and docs/operations.md for why)."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_hub.settings")

app = Celery("referral_hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _say_ready(**_kwargs: object) -> None:
    """``make run`` (scripts/run.py) names a file to create once the worker takes jobs, so
    its "ready" line is printed after the worker's start-up, as the last line."""
    path = os.environ.get("RUN_WORKER_READY_FILE")
    if path:
        with open(path, "w", encoding="utf-8") as ready:
            ready.write("ready\n")
