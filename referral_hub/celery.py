"""The Celery app: ``celery -A referral_hub worker --beat``.

The base imports no domain app: tasks are found by autodiscovery of ``<app>/tasks.py``
in ``INSTALLED_APPS``, and the beat schedule is what the apps register in ``ready()``
(``referral_hub.extensions.beat_schedule``, handed to Celery as ``CELERY_BEAT_SCHEDULE``).
Broker: Redis when ``REDIS_URL`` is set; otherwise kombu's filesystem transport (see
settings and docs/operations.md for why)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_hub.settings")

app = Celery("referral_hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
