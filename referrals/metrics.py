"""Scrape-time figures for /metrics (registered in the app's ready(): referral_hub.extensions.register_metric_collector)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily, Metric

from referrals.models import Referral, ReferralStatus


def collect() -> Iterator[Metric]:
    family = GaugeMetricFamily("referral_hub_referrals", "Referrals by status", labels=["status"])
    counts = dict(Referral.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    for status in ReferralStatus.values:
        family.add_metric([status], counts.get(status, 0))
    yield family
