"""Directory jobs (scheduled from the app's ready(): referral_hub.extensions.register_beat_entry); thin, idempotent."""

from __future__ import annotations

from celery import shared_task

from directory.listings import listings_request_confirmation
from directory.reminders import endorsements_remind_expiry
from outbox.jobs import tracked


@shared_task(name="directory.tasks.remind_endorsement_expiry")
@tracked("remind_endorsement_expiry")
def remind_endorsement_expiry() -> dict[str, int]:
    return endorsements_remind_expiry()


@shared_task(name="directory.tasks.request_listing_confirmation")
@tracked("request_listing_confirmation")
def request_listing_confirmation() -> dict[str, int]:
    """Daily: one request to confirm, per stale listing and staleness period."""
    return listings_request_confirmation()
