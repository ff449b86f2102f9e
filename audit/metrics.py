"""Scrape-time audit figure for /metrics (registered in the app's ready(): referral_hub.extensions.register_metric_collector)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, Metric

from audit.models import AuditEvent


def collect() -> Iterator[Metric]:
    yield CounterMetricFamily(
        "referral_hub_audit_rows_written",
        "Audit rows written (append-only)",
        value=AuditEvent.objects.count(),
    )
