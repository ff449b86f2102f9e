"""Case chat: messages, their edit history, read markers and live connections.

Ordering: ``Message.id`` is a global autoincrement, so it increases within every case
too; ``seq`` is a dense per-case counter (1, 2, 3...) allocated under a lock on the case
row. Sends to one case are therefore serialized, commit order equals id order, and a
socket can tell from ``seq`` alone whether it missed a live event (the channel layer is
at-most-once) and fill the gap from the database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

MAX_BODY_CHARS = 8000


class Message(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="messages")
    seq = models.PositiveIntegerField(help_text="Dense per-case sequence number (1, 2, 3...).")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The listing the author spoke as (name and discipline shown to the team).
    author_provider = models.ForeignKey("directory.Provider", on_delete=models.PROTECT, related_name="+")
    body = models.TextField(help_text="Plain text, rendered escaped. Kept after a soft delete.")
    client_msg_id = models.UUIDField(help_text="Chosen by the client; makes a send idempotent.")
    # Set before the INSERT (not by the database), so the MAC can cover it.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # HMAC under AUDIT_SEAL_KEY (``messaging.integrity``) of what the team reads (text,
    # author, case, seq, times) and of the newest revision's MAC: a body changed in SQL,
    # without the revision an edit writes, fails ``verify_audit``.
    mac = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["author", "client_msg_id"], name="message_client_id_per_author"),
            models.UniqueConstraint(fields=["case", "seq"], name="message_seq_per_case"),
        ]
        indexes = [models.Index(fields=["case", "id"], name="message_case_id")]

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def __str__(self) -> str:
        return f"Message #{self.pk} in case {self.case_id}"


class MessageRevision(models.Model):
    """Append-only: one row per edit, holding the text as it was before that edit."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="revisions")
    previous_body = models.TextField()
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(default=timezone.now, editable=False)
    # HMAC under AUDIT_SEAL_KEY of this revision and the previous revision's MAC (a chain
    # per message, ``messaging.integrity``).
    mac = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["id"]


class ReadMarker(models.Model):
    """How far ``user`` has read in ``case``; only ever moves forward."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_message_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="read_marker_per_case_user")]


class ChatConnection(models.Model):
    """One open case socket, for presence across daphne processes. A process killed with
    -9 cannot delete its rows: rows count only while ``last_seen`` is fresh (sockets
    refresh it on a heartbeat)."""

    channel_name = models.CharField(max_length=200, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_seen = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["case", "last_seen"], name="chat_conn_case_seen")]
