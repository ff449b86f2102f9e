from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Outbox (notifications)"

    def ready(self) -> None:
        # The delivery task must be registered in every process that queues mail (web
        # included), not only in workers where Celery autodiscovers tasks.
        from outbox import metrics, tasks
        from referral_hub.extensions import register_beat_entry, register_metric_collector

        # The sweep is the outbox's safety net: rows whose "deliver now" kick was lost or
        # whose backoff has passed go out within this interval.
        register_beat_entry("outbox-deliver", task=tasks.deliver_outbox.name, schedule=15.0)
        register_metric_collector("outbox", metrics.collect)
