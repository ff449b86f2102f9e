"""Audit jobs (scheduled from the app's ready(): referral_hub.extensions.register_beat_entry); thin, idempotent."""

from __future__ import annotations

from celery import shared_task

from audit.services import audit_seal
from outbox.jobs import tracked


@shared_task(name="audit.tasks.seal_audit")
@tracked("seal_audit")
def seal_audit() -> dict[str, int]:
    """Sign the chain heads that moved since the last seal (none moved: no new seal)."""
    seal = audit_seal()
    return {"seal": seal.pk, "chains": len(seal.heads), "up_to_id": seal.up_to_id}
