"""Our own Prometheus figures, next to django-prometheus's request metrics.

Per-process figures (open chat sockets) are live gauges. Figures that live in the
database (referrals by status, outbox backlog, job runs, audit rows) are read at scrape
time from the collectors the apps register in their ``ready()``
(``referral_hub.extensions.register_metric_collector``): the base imports no domain app."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Protocol

from prometheus_client import REGISTRY, Gauge
from prometheus_client.core import Metric
from prometheus_client.registry import Collector

from referral_hub.extensions import metric_collectors

log = logging.getLogger(__name__)

OPEN_CHAT_SOCKETS = Gauge(
    "referral_hub_open_chat_sockets", "Case-chat WebSocket connections open in this process"
)


class MetricSource(Protocol):
    def __call__(self) -> Iterable[Metric]: ...


class DatabaseFigures(Collector):
    """Runs every configured collector at scrape time; one failing collector costs its
    own figures only (logged), never the whole scrape."""

    def describe(self) -> Iterator[Metric]:
        # Registration would otherwise call collect() (a database query) at start-up.
        return iter(())

    def collect(self) -> Iterator[Metric]:
        for name, source in metric_collectors().items():
            try:
                yield from list(source())
            except Exception:
                log.exception("metrics collector %s failed", name)


_registered = False


def register_database_figures() -> None:
    global _registered
    if not _registered:
        REGISTRY.register(DatabaseFigures())
        _registered = True
