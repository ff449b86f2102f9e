"""MACs of the chat history, so a message rewritten with database rights alone shows.

The app's database role may UPDATE ``messaging_message`` (edits and removals need it;
the row trigger keeps a message's identity fixed), so ``UPDATE messaging_message SET
body = ...`` done directly in SQL would otherwise leave the team reading words nobody
wrote, with no revision and ``edited_at`` still empty. Now:

- each ``MessageRevision`` carries ``mac = HMAC(AUDIT_SEAL_KEY, revision + previous
  revision's mac)``: one chain per message, oldest first;
- each ``Message`` carries ``mac = HMAC(AUDIT_SEAL_KEY, case, seq, author, listing,
  body, client_msg_id, created_at, edited_at, deleted_at, newest revision's mac)``,
  re-signed by every edit and removal (``messaging.services``).

``verify_messages`` (registered with ``manage.py verify_audit`` in ``MessagingConfig``)
reports a body changed without its revision, a revision inserted, changed or removed,
a message inserted with database rights alone, and a message removed from the middle
of a case (its ``seq`` leaves a gap). The key is ``audit.macs``'s (with
its rotation); an attacker holding it is not stopped (docs/security.md).
"""

from __future__ import annotations

import json
from datetime import datetime

from audit import macs
from messaging.models import Message, MessageRevision

NO_REVISION = "0" * 64
MESSAGE_DOMAIN = "chat-message"
REVISION_DOMAIN = "chat-revision"


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dumps(payload: dict[str, object]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


def revision_payload(revision: MessageRevision, prev_mac: str) -> str:
    return _dumps(
        {
            "message": revision.message_id,
            "previous_body": revision.previous_body,
            "edited_by": revision.edited_by_id,
            "edited_at": _time(revision.edited_at),
            "prev": prev_mac,
        }
    )


def message_payload(message: Message, revision_head: str) -> str:
    return _dumps(
        {
            "case": message.case_id,
            "seq": message.seq,
            "author": message.author_id,
            "author_provider": message.author_provider_id,
            "body": message.body,
            "client_msg_id": str(message.client_msg_id),
            "created_at": _time(message.created_at),
            "edited_at": _time(message.edited_at),
            "deleted_at": _time(message.deleted_at),
            "revisions": revision_head,
        }
    )


def sign_revision(revision: MessageRevision, prev_mac: str | None) -> None:
    """Sign ``revision`` after ``prev_mac`` (the message's newest revision's, or None)."""
    revision.mac = macs.sign(REVISION_DOMAIN, revision_payload(revision, prev_mac or NO_REVISION))


def sign_message(message: Message, revision_head: str | None) -> None:
    """Sign ``message`` as it is now, ``revision_head`` its newest revision's MAC (None:
    never edited)."""
    message.mac = macs.sign(MESSAGE_DOMAIN, message_payload(message, revision_head or NO_REVISION))


def verify_messages(*, chunk_size: int = 2000) -> str:
    """The first problem in the chat history, in words, or "" when every revision chain
    and every message verifies. Keys never go back to an older one along a revision
    chain, and a message is signed no earlier than its newest revision."""
    heads: dict[int, tuple[str, int]] = {}  # message id -> (newest revision mac, its key)
    revisions = MessageRevision.objects.order_by("message_id", "id")
    for revision in revisions.iterator(chunk_size=chunk_size):
        prev_mac, prev_key = heads.get(revision.message_id, (NO_REVISION, macs.oldest_index()))
        key = macs.key_index(REVISION_DOMAIN, revision_payload(revision, prev_mac), revision.mac)
        if key is None:
            return (
                f"revision {revision.pk} of message {revision.message_id} does not verify under "
                "AUDIT_SEAL_KEY (inserted, changed, or an earlier revision removed, with database rights alone)"
            )
        if key > prev_key:
            return f"revision {revision.pk} of message {revision.message_id} is signed under an older key"
        heads[revision.message_id] = (revision.mac, key)
    last_seq: dict[int, int] = {}  # case id -> seq of its newest message so far
    for message in Message.objects.order_by("id").iterator(chunk_size=chunk_size):
        # Sends to a case are serialized, so ids and seqs rise together, without gaps.
        if message.seq != last_seq.get(message.case_id, 0) + 1:
            return (
                f"message {message.pk} of case {message.case_id} has seq {message.seq} after "
                f"{last_seq.get(message.case_id, 0)}: a message before it was removed"
            )
        last_seq[message.case_id] = message.seq
        head, head_key = heads.get(message.pk, (NO_REVISION, macs.oldest_index()))
        key = macs.key_index(MESSAGE_DOMAIN, message_payload(message, head), message.mac)
        if key is None:
            return (
                f"message {message.pk} (case {message.case_id}, seq {message.seq}) does not verify under "
                "AUDIT_SEAL_KEY: its text, times or revisions were changed with database rights alone "
                "(an edit writes a revision and re-signs the message)"
            )
        if key > head_key:
            return f"message {message.pk} is signed under an older key than its newest revision"
    return ""
