"""Referral jobs (scheduled from the app's ready(): referral_hub.extensions.register_beat_entry); thin, idempotent."""

from __future__ import annotations

from celery import shared_task

from outbox.jobs import tracked
from referrals.reminders import referrals_remind_clocks


@shared_task(name="referrals.tasks.remind_part_c_clocks")
@tracked("remind_part_c_clocks")
def remind_part_c_clocks() -> dict[str, int]:
    return referrals_remind_clocks()
