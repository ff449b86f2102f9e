"""Groups jobs (scheduled from the app's ready(): referral_hub.extensions.register_beat_entry); thin, idempotent."""

from __future__ import annotations

from celery import shared_task

from groups.reminders import groups_send_reminders
from outbox.jobs import tracked


@shared_task(name="groups.tasks.remind_group_sessions")
@tracked("remind_group_sessions")
def remind_group_sessions() -> dict[str, int]:
    """Hourly: the reminder for each session starting within a day, once per place."""
    return groups_send_reminders()
