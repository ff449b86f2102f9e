"""Writing the access log. Every read or change of a child's data calls ``audit_record``.

Rows form a hash chain: ``hash = sha256(prev_hash + canonical(row))``. Appends are
serialized (a PostgreSQL advisory transaction lock; SQLite's write lock does it there)
so the chain has no forks. ``audit_record`` runs in the caller's transaction: a
rolled-back change leaves no log row, and a denied attempt is logged in its own.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from audit.models import Action, AuditEvent, Outcome
from people.roles import Actor, user_roles
from referral_hub.middleware import current_request_id

GENESIS = "0" * 64
_CHAIN_LOCK_KEY = 0x52484155  # 'RHAU'


def canonical(event: AuditEvent) -> str:
    payload: dict[str, Any] = {
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "child": event.child_id,
        "action": event.action,
        "data_category": event.data_category,
        "purpose": event.purpose,
        "consent": event.consent_id,
        "outcome": event.outcome,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "detail": event.detail,
        "request_id": event.request_id,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode()).hexdigest()


def _actor_label(actor: Actor | None) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "anonymous"

    full_name = actor.get_full_name() if isinstance(actor, User) else ""
    name = full_name or actor.get_username()
    roles = ",".join(user_roles(actor)) or "user"
    return f"{name} ({roles})"[:255]


@transaction.atomic
def audit_record(
    *,
    actor: Actor | None,
    action: str,
    child: Model | None = None,  # a families.Child; audit imports no domain app
    child_id: int | None = None,
    data_category: str = "",
    purpose: str = "",
    consent: Model | None = None,  # a consent.Consent
    consent_id: int | None = None,
    outcome: str = Outcome.ALLOWED,
    object_type: str = "",
    object_id: object = "",
    detail: str = "",
) -> AuditEvent:
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event = AuditEvent(
        at=timezone.now(),
        actor=actor if isinstance(actor, User) else None,  # an AnonymousUser by label only
        actor_label=_actor_label(actor),
        child_id=child.pk if child is not None else child_id,
        action=action,
        data_category=data_category,
        purpose=purpose,
        consent_id=consent.pk if consent is not None else consent_id,
        outcome=outcome,
        object_type=object_type,
        object_id=str(object_id or ""),
        detail=detail[:500],
        request_id=current_request_id.get(),
        prev_hash=last or GENESIS,
    )
    event.hash = compute_hash(event.prev_hash, event)
    event.save(force_insert=True)
    return event


def _lock_chain() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    return AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS


@transaction.atomic
def audit_record_many(
    *,
    actor: Actor | None,
    action: str,
    entries: list[dict[str, Any]],
) -> list[AuditEvent]:
    """One row per entry (keys as ``audit_record``'s: child_id, data_category, purpose,
    consent_id, outcome, object_type, object_id, detail), chained in order and written
    with one INSERT: a list page costs the same few queries for 1 or 100 children."""
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    if not entries:
        return []
    prev = _lock_chain()
    user = actor if isinstance(actor, User) else None  # an AnonymousUser is recorded by label only
    label = _actor_label(actor)
    at = timezone.now()
    request_id = current_request_id.get()
    events = []
    for entry in entries:
        event = AuditEvent(
            at=at,
            actor=user,
            actor_label=label,
            child_id=entry.get("child_id"),
            action=action,
            data_category=entry.get("data_category", ""),
            purpose=entry.get("purpose", ""),
            consent_id=entry.get("consent_id"),
            outcome=entry.get("outcome", Outcome.ALLOWED),
            object_type=entry.get("object_type", ""),
            object_id=str(entry.get("object_id") or ""),
            detail=str(entry.get("detail", ""))[:500],
            request_id=request_id,
            prev_hash=prev,
        )
        event.hash = compute_hash(prev, event)
        prev = event.hash
        events.append(event)
    return AuditEvent.objects.bulk_create(events)


def audit_denied(**kwargs: Any) -> AuditEvent:
    """Log a refused attempt so it survives the refusal's rollback: call it outside the
    failing transaction (or before raising from a non-atomic view)."""
    return audit_record(outcome=Outcome.DENIED, **kwargs)


def verify_chain(*, chunk_size: int = 2000) -> tuple[int, AuditEvent | None, str]:
    """Walk the log in id order recomputing every hash. Returns ``(rows_checked,
    first_broken_row_or_None, reason)``. A row is broken when its content no longer
    matches its hash, or its ``prev_hash`` is not the previous row's hash (a row was
    removed or inserted)."""
    prev = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.prev_hash != prev:
            return checked, event, "prev_hash does not match the previous row's hash"
        if compute_hash(event.prev_hash, event) != event.hash:
            return checked, event, "content does not match its hash"
        prev = event.hash
        checked += 1
    return checked, None, ""
