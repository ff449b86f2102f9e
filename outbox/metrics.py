"""Scrape-time outbox and job figures for /metrics (registered in the app's ready(): referral_hub.extensions.register_metric_collector).
Read from the database because workers run in other processes."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from outbox.models import JobRun, OutboxMessage, OutboxStatus


def collect() -> Iterator[Metric]:
    by_status = dict(
        OutboxMessage.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    yield GaugeMetricFamily(
        "referral_hub_outbox_backlog",
        "Notifications waiting to be delivered",
        value=by_status.get("pending", 0),
    )
    yield GaugeMetricFamily(
        "referral_hub_outbox_failed",
        "Notifications that exhausted their retries and wait for staff (admin: Outbox)",
        value=by_status.get(OutboxStatus.FAILED, 0),
    )
    yield CounterMetricFamily(
        "referral_hub_outbox_delivered", "Notifications delivered", value=by_status.get(OutboxStatus.SENT, 0)
    )
    oldest = (
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    ).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    yield GaugeMetricFamily(
        "referral_hub_outbox_oldest_pending_seconds", "Age of the oldest pending row", value=age
    )
    runs = CounterMetricFamily("referral_hub_job_runs", "Background job runs", labels=["job", "result"])
    rows = JobRun.objects.values_list("job", "ok").annotate(n=Count("id")).values_list("job", "ok", "n")
    for job, ok, n in rows:
        runs.add_metric([job, "ok" if ok else ("failed" if ok is False else "running")], n)
    yield runs
