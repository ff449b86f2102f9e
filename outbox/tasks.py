"""Outbox delivery: kicked after each commit that queues mail, and swept by beat."""

from __future__ import annotations

from celery import shared_task

from outbox import services
from outbox.jobs import tracked


@shared_task(name="outbox.tasks.deliver_outbox")
@tracked("deliver_outbox")
def deliver_outbox() -> dict[str, int]:
    report = services.outbox_deliver_due()
    return {"sent": report.sent, "failed_attempts": report.failed_attempts, "held": report.held}
