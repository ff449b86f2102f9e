"""Consent jobs (scheduled from the app's ready(): referral_hub.extensions.register_beat_entry); thin, idempotent."""

from __future__ import annotations

from celery import shared_task

from consent.authority_end import recheck_ended_authorities as recheck
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


@shared_task(name="consent.tasks.recheck_ended_authorities")
@tracked("recheck_ended_authorities")
def recheck_ended_authorities() -> dict[str, int]:
    """Every minute: the consents of authorities that reached their end are re-checked
    (``consent.authority_end``), so an expired order's consents end within a minute."""
    return {"consents_ended": recheck()}
