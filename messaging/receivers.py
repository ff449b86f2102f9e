"""Reactions to other apps' announcements (connected in ``MessagingConfig.ready``).
Receivers are thin: the work is a service."""

from __future__ import annotations

from typing import Any

from messaging.services import chats_consent_revoked_notify


def close_chats_on_consent_revoked(sender: Any, consent: Any, **kwargs: Any) -> None:
    """Runs inside the revocation transaction; see ``chats_consent_revoked_notify``."""
    chats_consent_revoked_notify(consent=consent)
