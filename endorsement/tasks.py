"""Endorsement jobs (scheduled from the app's ready(): referral_hub.extensions.register_beat_entry); thin, idempotent."""

from __future__ import annotations

from celery import shared_task

from endorsement.services import terms_lapse_overdue, terms_tell_due
from outbox.jobs import tracked


@shared_task(name="endorsement.tasks.lapse_endorsements")
@tracked("lapse_endorsements")
def lapse_endorsements() -> dict[str, int]:
    """Record every endorsement past its due date plus grace as lapsed (once)."""
    return {"lapsed": terms_lapse_overdue()}


@shared_task(name="endorsement.tasks.tell_renewal_due")
@tracked("tell_renewal_due")
def tell_renewal_due() -> dict[str, int]:
    """Tell each holder whose renewal is due (once per due date: the outbox key)."""
    return {"due": terms_tell_due()}
