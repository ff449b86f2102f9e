"""Append-only access log (ASTM E2147: when, who, which child, action, data category,
purpose), tamper-evident through a SHA-256 hash chain."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DISCLOSE = "disclose", "Disclosed"
    EXPORT = "export", "Exported"
    MESSAGE = "message", "Messaged"


class Outcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    DENIED = "denied", "Denied"


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=255, help_text="Name and role at the time.")
    child = models.ForeignKey(
        "families.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    data_category = models.CharField(max_length=40, blank=True)
    purpose = models.CharField(max_length=40, blank=True)
    consent = models.ForeignKey(
        "consent.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.ALLOWED)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # "child:<id>" for rows about a child, "actor:<id>" for the rest, "anonymous" for
    # anonymous attempts; "" marks rows written before chains were split (one global chain).
    chain = models.CharField(max_length=40, blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Decided when the row is written (``audit.extensions.is_own_visit``: the actor was one
    # of the child's guardians then, and was not refused), never recomputed on reading.
    own_visit = models.BooleanField(
        default=False, help_text="The child's own family, allowed: folded into the family's own visits."
    )
    # HMAC-SHA256 under AUDIT_SEAL_KEY (not in the database) of every field a reader
    # sees, the chain link and ``own_visit``: a row written with database rights alone
    # (even with the app's own ``compute_hash``) fails ``verify_audit``.
    mac = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["child", "-at"], name="audit_child_at"),
            models.Index(fields=["chain", "-id"], name="audit_chain_id"),
        ]


class AuditSeal(models.Model):
    """A signed snapshot of every chain's head: ``mac = HMAC(AUDIT_SEAL_KEY, payload)``
    where the payload names the newest row covered, the row count and each chain's
    (length, head hash), and the previous seal's MAC. The key is not in the database,
    so whoever can write rows cannot write a seal that matches rewritten chains."""

    at = models.DateTimeField()
    up_to_id = models.BigIntegerField(help_text="Newest audit row covered (0: none).")
    row_count = models.BigIntegerField()
    heads = models.JSONField(help_text='{"chain": [length, head_hash], ...}')
    prev_mac = models.CharField(max_length=64)
    mac = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
