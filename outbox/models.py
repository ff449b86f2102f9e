"""Outbox rows: one notification (an e-mail, a text or an in-app event) to one recipient.

Written in the same transaction as the change that causes it, so a notification exists
exactly when the change does. ``key`` is unique per notification: writing the same key
twice stores one row (scheduled jobs rely on this to never remind twice), and a row
marked ``sent`` is never picked up again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    IN_APP = "in_app", "In-app"
    SMS = "sms", "Text message"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (needs staff)"
    # A text that came due for a number that had replied STOP: never sent, never retried.
    DROPPED = "dropped", "Dropped (the number replied STOP)"


REDACTED_BODY = "[Removed after delivery: this e-mail carried a one-time link.]"


class OutboxMessage(models.Model):
    key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_address = models.CharField(max_length=254, blank=True)
    language = models.CharField(max_length=8, default="en")
    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    # The mail carries a one-time link (a sign-up, invitation, reference or password
    # reset token). The link is minted when the mail is sent (``outbox.links``): the body
    # holds ``LINK_MARK`` and ``payload`` the link's kind and object, never the token.
    # Once sent the body is replaced by ``REDACTED_BODY``; so is a failed row queued
    # before links were minted at send time (its body held the link itself).
    one_time_link = models.BooleanField(default=False)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # Due time; also the claim lease while a worker is sending (see services.claim).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # In-app rows are the recipient's notices (the notice centre): when they marked it read.
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(
                fields=["recipient", "-id"],
                name="outbox_in_app_inbox",
                condition=models.Q(channel="in_app"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} #{self.pk} ({self.status})"


class JobRun(models.Model):
    """One run of a background job (the /metrics job figures read these, since worker
    processes do not share the web process's in-memory counters)."""

    job = models.CharField(max_length=100)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "-started_at"], name="jobrun_recent")]

    def __str__(self) -> str:
        return f"{self.job} at {self.started_at:%Y-%m-%d %H:%M} ({'ok' if self.ok else 'failed'})"


class TextOptOut(models.Model):
    """A phone number that replied STOP (or BAJA, ALTO, ...): no text goes to it until it
    replies START, whoever the text was for (every account with that number). The sender
    reads this row when a text is due, so a text queued before the STOP is dropped.
    ``changes`` counts the number's STOP/START turns: each turn is confirmed by one text
    (its outbox key carries the count), a repeated STOP by none."""

    number = models.CharField(max_length=20, unique=True)
    stopped = models.BooleanField(default=True)
    keyword = models.CharField(max_length=20)
    changes = models.PositiveIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "text opt-out"

    def __str__(self) -> str:
        return f"{self.number} ({'stopped' if self.stopped else 'resumed'})"
