"""Writing and delivering outbox rows.

Write side (called by domain services inside their transaction): ``outbox_email``,
``outbox_text`` and ``outbox_in_app`` store a row keyed by ``key`` (a repeat of the key stores nothing new)
and, once the transaction commits, ask for delivery: in-app rows are pushed from this
process at once (the live push needs this process's channel layer on the embedded
default), e-mail rows by kicking the Celery task. Beat sweeps every due row as well, so
a lost kick only delays a notification.

Delivery side (``outbox_deliver_due``): each row is claimed with a conditional UPDATE
that moves its due time forward by a lease, so two workers never send the same row;
success marks it ``sent`` (never picked up again), failure schedules the next attempt
with exponential backoff capped at ``OUTBOX_MAX_BACKOFF_S``; after
``OUTBOX_MAX_ATTEMPTS`` the row is ``failed`` and waits for staff (admin, metric).
A crash between the SMTP hand-off and the ``sent`` mark can resend after the lease;
the Message-ID derived from the key lets mail systems drop such a duplicate.

Texts (``Channel.SMS``) follow the same path with two more checks when one is due: a
number that replied STOP (``TextOptOut``) gets nothing (the row is ``dropped``), and a
text due in the reader's quiet hours is held until their morning (``referral_hub.sms``),
without counting an attempt. Only the STOP/START confirmations skip both: they answer
the person's own reply, at once."""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from asgiref.sync import async_to_sync
from celery import current_app
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Case, F, QuerySet, TextField, Value, When
from django.utils import timezone

from outbox.links import LINK_MARK, fill_link, link_dropped, link_reference
from outbox.models import REDACTED_BODY, Channel, OutboxMessage, OutboxStatus, TextOptOut
from referral_hub import events, sms
from referral_hub.realtime import send_event_on_commit, user_group

log = logging.getLogger(__name__)

DELIVER_TASK = "outbox.tasks.deliver_outbox"
LEASE = timedelta(seconds=120)


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    failed_attempts: int
    # Texts not sent this time by design: held for the morning, or dropped after a STOP.
    held: int = 0


# The answers to a person's own STOP, START or HELP: sent to a stopped number, at any hour.
TEXT_REPLY_KINDS = frozenset({"text.stopped", "text.resumed", "text.help"})
MAX_TEXT = 640


def _store(*, key: str, defaults: dict[str, Any]) -> OutboxMessage | None:
    message, created = OutboxMessage.objects.get_or_create(key=key[:200], defaults=defaults)
    return message if created else None


@transaction.atomic
def outbox_email(
    *,
    key: str,
    to_address: str,
    subject: str,
    body: str,
    kind: str,
    recipient_id: int | None = None,
    language: str = "en",
    link: tuple[str, int] | None = None,
) -> OutboxMessage | None:
    """Queue one e-mail. Returns the new row, or None when ``key`` was already queued
    (or there is no address). The body must carry links only, never a child's details.
    ``link``: (minter, object id) of a one-time link, made only when the mail is sent
    (``outbox.links``); the body holds ``LINK_MARK`` where it goes, so the row never
    holds a usable link."""
    if not to_address:
        return None
    if link is not None and LINK_MARK not in body:
        raise ValueError("a one-time mail's body must hold LINK_MARK where the link goes")
    message = _store(
        key=key,
        defaults={
            "channel": Channel.EMAIL,
            "to_address": to_address,
            "subject": subject[:200],
            "body": body,
            "kind": kind,
            "recipient_id": recipient_id,
            "language": language or "en",
            "one_time_link": link is not None,
            "payload": link_reference(*link) if link is not None else {},
        },
    )
    if message is not None:
        transaction.on_commit(kick_delivery)
    return message


def text_number_stopped(number: str) -> bool:
    """Did this number reply STOP (and not START since)?"""
    return TextOptOut.objects.filter(number=number, stopped=True).exists()


@transaction.atomic
def outbox_text(
    *,
    key: str,
    to_number: str,
    body: str,
    kind: str,
    recipient_id: int | None = None,
    language: str = "en",
    time_zone: str = "",
    link: tuple[str, int] | None = None,
) -> OutboxMessage | None:
    """Queue one text to ``to_number`` (E.164). Returns the new row, or None when ``key``
    was already queued, there is no number, or the number replied STOP. The body is a
    status line and a link, never a child's details. ``time_zone`` is the reader's: a
    text queued at night is due the next morning there (and checked again when due).
    ``link``: a one-time link made when the text is sent, as for ``outbox_email``."""
    if not to_number or (kind not in TEXT_REPLY_KINDS and text_number_stopped(to_number)):
        return None
    if link is not None and LINK_MARK not in body:
        raise ValueError("a one-time text's body must hold LINK_MARK where the link goes")
    payload: dict[str, Any] = {"time_zone": time_zone}
    if link is not None:
        payload.update(link_reference(*link))
    now = timezone.now()
    message = _store(
        key=key,
        defaults={
            "channel": Channel.SMS,
            "to_address": to_number,
            "body": body[:MAX_TEXT],
            "kind": kind,
            "recipient_id": recipient_id,
            "language": language or "en",
            "one_time_link": link is not None,
            "payload": payload,
            "next_attempt_at": now if kind in TEXT_REPLY_KINDS else sms.not_before(now, time_zone),
        },
    )
    if message is not None:
        transaction.on_commit(kick_delivery)
    return message


@transaction.atomic
def outbox_in_app(
    *, key: str, user_id: int, kind: str, payload: dict[str, Any], language: str = "en"
) -> OutboxMessage | None:
    """Queue one in-app notification (ids and short labels only) for ``user_id``; it
    is pushed to the user's sockets right after commit."""
    message = _store(
        key=key,
        defaults={
            "channel": Channel.IN_APP,
            "recipient_id": user_id,
            "kind": kind,
            "payload": payload,
            "language": language or "en",
        },
    )
    if message is not None:
        message_id = message.pk
        transaction.on_commit(lambda: outbox_deliver_one(message_id=message_id))
    return message


def kick_delivery() -> None:
    """Ask a worker to deliver now. Never fails the caller: the beat sweep catches up."""
    try:
        current_app.tasks[DELIVER_TASK].delay()
    except Exception:
        log.warning("outbox: could not enqueue delivery; the periodic sweep will send it", exc_info=True)


def backoff_seconds(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failure: base * 2^(n-1), capped."""
    exponent = max(attempts - 1, 0)
    return int(min(settings.OUTBOX_BASE_BACKOFF_S * (2 ** min(exponent, 30)), settings.OUTBOX_MAX_BACKOFF_S))


def _claim(message_id: int, now: datetime) -> OutboxMessage | None:
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE)
    if claimed != 1:
        return None
    return OutboxMessage.objects.get(pk=message_id)


def message_id_header(key: str) -> str:
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@referral-hub.outbox>"


def _body_to_send(message: OutboxMessage) -> str:
    if message.one_time_link and "link" in message.payload:
        return fill_link(message.body, message.payload)  # minted now; never written back
    return message.body


def _send(message: OutboxMessage, connection: Any) -> None:
    if message.channel == Channel.SMS:
        sms.get_backend().send(
            to=message.to_address, body=_body_to_send(message), reference=message_id_header(message.key)
        )
        return
    if message.channel == Channel.EMAIL:
        body = _body_to_send(message)
        EmailMessage(
            message.subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [message.to_address],
            connection=connection,
            headers={"Message-ID": message_id_header(message.key)},
        ).send()
        return
    layer = get_channel_layer()
    if layer is not None and message.recipient_id is not None:
        event = events.notify(kind=message.kind, payload=message.payload, notice_id=message.pk)
        async_to_sync(layer.group_send)(user_group(message.recipient_id), dict(event))


def _mark_sent(message: OutboxMessage, now: datetime) -> None:
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.SENT,
        sent_at=now,
        attempts=F("attempts") + 1,
        last_error="",
        body=Case(
            When(one_time_link=True, then=Value(REDACTED_BODY)), default=F("body"), output_field=TextField()
        ),
    )


def _mark_failed(message: OutboxMessage, now: datetime, error: Exception) -> None:
    attempts = message.attempts + 1
    gave_up = attempts >= settings.OUTBOX_MAX_ATTEMPTS
    changes: dict[str, Any] = {}
    if gave_up and message.one_time_link and "link" not in message.payload:
        # A row queued before links were minted at send time holds the link itself:
        # a failed row is redacted like a sent one.
        changes["body"] = REDACTED_BODY
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING).update(
        attempts=attempts,
        status=OutboxStatus.FAILED if gave_up else OutboxStatus.PENDING,
        next_attempt_at=now + timedelta(seconds=backoff_seconds(attempts)),
        last_error=f"{type(error).__name__}: {error}"[:500],
        **changes,
    )
    log.warning(
        "outbox: delivery failed",
        extra={"outbox_id": message.pk, "kind": message.kind, "attempts": attempts, "gave_up": gave_up},
    )


def _text_held(message: OutboxMessage, now: datetime) -> bool:
    """A due text that must not go now: dropped (its number replied STOP) or held until
    the reader's morning. Neither counts as an attempt."""
    if message.channel != Channel.SMS or message.kind in TEXT_REPLY_KINDS:
        return False
    pending = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING)
    if text_number_stopped(message.to_address):
        with transaction.atomic():
            if pending.update(status=OutboxStatus.DROPPED, last_error="The number replied STOP: not sent."):
                link_dropped(message.payload)
        return True
    zone = str(message.payload.get("time_zone", "")) if isinstance(message.payload, dict) else ""
    wake = sms.not_before(now, zone)
    if wake > now:
        pending.update(next_attempt_at=wake)
        return True
    return False


SENT, FAILED, HELD = "sent", "failed", "held"


def _deliver_claimed(message: OutboxMessage, connection: Any, now: datetime) -> str:
    if _text_held(message, now):
        return HELD
    try:
        _send(message, connection)
    except Exception as exc:  # any transport error: retry later, never lose the row
        _mark_failed(message, now, exc)
        return FAILED
    _mark_sent(message, now)
    return SENT


def outbox_deliver_one(*, message_id: int, connection: Any = None, now: datetime | None = None) -> bool:
    """Deliver one due row if this caller wins its claim. True when it was sent."""
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return False
    return _deliver_claimed(message, connection, now) == SENT


@transaction.atomic
def _claim_batch(now: datetime, limit: int) -> list[OutboxMessage]:
    """Lease up to ``limit`` due rows in one statement pair. PostgreSQL: rows another
    worker is claiming are skipped (SKIP LOCKED); SQLite: the write transaction
    (BEGIN IMMEDIATE) serializes claims."""
    due = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
    if db_connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True)
    batch = list(due.order_by("next_attempt_at", "id")[:limit])
    OutboxMessage.objects.filter(pk__in=[m.pk for m in batch]).update(next_attempt_at=now + LEASE)
    return batch


def _release(messages: list[OutboxMessage], now: datetime) -> None:
    """Hand unsent rows of an expiring lease back (due again at once)."""
    OutboxMessage.objects.filter(
        pk__in=[m.pk for m in messages], status=OutboxStatus.PENDING, next_attempt_at=now + LEASE
    ).update(next_attempt_at=now)


def outbox_deliver_due(*, limit: int = 200) -> DeliveryReport:
    """Deliver due pending rows (oldest first, up to ``limit``) over one SMTP session.
    Safe to run in several workers at once: each row is leased to one worker, and a
    worker whose lease is half spent (a slow mail server) hands the rest back rather
    than risk another worker sending them too."""
    now = timezone.now()
    batch = _claim_batch(now, limit)
    if not batch:
        return DeliveryReport(sent=0, failed_attempts=0)
    connection = get_connection(fail_silently=False)
    try:
        # One SMTP session for the batch (an unopened backend reconnects per message).
        connection.open()
    except Exception:  # server down: each row's own attempt records the failure
        log.warning("outbox: mail server unreachable", exc_info=True)
    started, tried = time.monotonic(), 0
    outcomes = {SENT: 0, FAILED: 0, HELD: 0}
    try:
        for message in batch:
            if time.monotonic() - started > LEASE.total_seconds() / 2:
                _release(batch[tried:], now)
                break
            outcomes[_deliver_claimed(message, connection, now)] += 1
            tried += 1
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken SMTP session must not hide the report
            log.debug("outbox: SMTP close failed", exc_info=True)
    return DeliveryReport(sent=outcomes[SENT], failed_attempts=outcomes[FAILED], held=outcomes[HELD])


@transaction.atomic
def outbox_requeue(*, message_ids: list[int]) -> int:
    """Staff: give failed rows a fresh start (delivered at the next sweep)."""
    return OutboxMessage.objects.filter(pk__in=message_ids, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )


def outbox_notice_and_email(
    *,
    user: Any,
    key: str,
    kind: str,
    language: str,
    payload: dict[str, Any],
    subject: str,
    body: str,
    email: bool = True,
    email_kind: str | None = None,
) -> None:
    """One person told of one event twice over: an in-app notice (``payload``: its
    label, url and ids; key ``<key>:in_app``) and an e-mail (a link only; key ``<key>``;
    kind ``email_kind`` when given, else ``kind``), both in ``language``, both in the
    caller's transaction. ``email=False`` (or an account without an address) leaves the
    notice alone."""
    outbox_notify(user.pk, kind, payload, key=key + ":in_app", language=language)
    if not email:
        return
    outbox_email(
        key=key,
        to_address=user.email,
        subject=subject,
        body=body,
        kind=email_kind or kind,
        recipient_id=user.pk,
        language=language,
    )


def outbox_notify(
    user_id: int, kind: str, payload: dict[str, Any], *, key: str | None = None, language: str = "en"
) -> OutboxMessage | None:
    """An in-app notification for ``user_id`` through the outbox. Without ``key`` the
    notification is one of a kind (an event that happens once per transaction)."""
    return outbox_in_app(
        key=key or f"{kind}:{user_id}:{uuid.uuid4().hex}",
        user_id=user_id,
        kind=kind,
        payload=payload,
        language=language,
    )


def outbox_in_app_update_payload(*, message_id: int, payload: dict[str, Any]) -> int:
    """Replace the payload of an in-app row still unread (a coalesced notice brought up to
    date, e.g. the appointment time now in force). Returns how many rows changed."""
    return OutboxMessage.objects.filter(pk=message_id, channel=Channel.IN_APP, read_at__isnull=True).update(
        payload=payload
    )


def outbox_in_app_update_by_key(*, key: str, payload: dict[str, Any]) -> int:
    """``outbox_in_app_update_payload`` for the row queued with ``key`` (a daily digest
    notice brought up to date while its reader has not seen it yet)."""
    return OutboxMessage.objects.filter(key=key, channel=Channel.IN_APP, read_at__isnull=True).update(
        payload=payload
    )


# --- the notice centre: in-app rows read back by their recipient ----------------------


def in_app_notices(*, user_id: int) -> QuerySet[OutboxMessage]:
    """The user's in-app notifications (their notices), newest first."""
    return OutboxMessage.objects.filter(channel=Channel.IN_APP, recipient_id=user_id).order_by("-id")


def in_app_unread_count(*, user_id: int) -> int:
    return in_app_notices(user_id=user_id).filter(read_at__isnull=True).count()


@transaction.atomic
def in_app_mark_read(*, user_id: int, notice_ids: list[int] | None = None) -> int:
    """Mark the user's notices read (``notice_ids``, or all when None); ids of other
    users' rows are ignored. Returns how many changed; every tab of the user hears the
    new unread total after commit."""
    unread = in_app_notices(user_id=user_id).filter(read_at__isnull=True)
    if notice_ids is not None:
        unread = unread.filter(pk__in=notice_ids)
    changed = unread.update(read_at=timezone.now())
    if changed:
        send_event_on_commit(
            user_group(user_id), events.notices_read(unread=in_app_unread_count(user_id=user_id))
        )
    return changed
