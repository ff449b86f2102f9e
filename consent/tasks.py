"""Consent jobs (scheduled from the app's ready(): referral_hub.extensions.register_beat_entry); thin, idempotent."""

from __future__ import annotations

from celery import shared_task

from consent.reminders import consents_notify_expiring, consents_notify_refusals
from consent.services import consents_record_expiry
from outbox.jobs import tracked


@shared_task(name="consent.tasks.expire_consents")
@tracked("expire_consents")
def expire_consents() -> dict[str, int]:
    return {"expired": len(consents_record_expiry())}


@shared_task(name="consent.tasks.notify_expiring_consents")
@tracked("notify_expiring_consents")
def notify_expiring_consents() -> dict[str, int]:
    return {"notices": consents_notify_expiring()}


@shared_task(name="consent.tasks.notify_refused_attempts")
@tracked("notify_refused_attempts")
def notify_refused_attempts() -> dict[str, int]:
    return {"notices": consents_notify_refusals()}
