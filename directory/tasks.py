"""Directory jobs (scheduled in settings.CELERY_BEAT_SCHEDULE); thin, idempotent."""

from __future__ import annotations

from celery import shared_task

from directory.reminders import endorsements_remind_expiry
from outbox.jobs import tracked


@shared_task(name="directory.tasks.remind_endorsement_expiry")
@tracked("remind_endorsement_expiry")
def remind_endorsement_expiry() -> dict[str, int]:
    return endorsements_remind_expiry()
