from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Outbox (notifications)"

    def ready(self) -> None:
        # The delivery task must be registered in every process that queues mail (web
        # included), not only in workers where Celery autodiscovers tasks.
        from outbox import tasks  # noqa: F401
