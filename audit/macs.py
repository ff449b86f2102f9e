"""Keyed MACs under ``AUDIT_SEAL_KEY``, the key kept outside the database.

Whoever can write the tables (the app's own database role) can compute a SHA-256 chain
hash, but not an HMAC under a key the database never holds. Every access-log row, every
chat message and revision, and every seal carries one, so ``manage.py verify_audit``
tells rows the app wrote from rows written with database rights alone.

Key rotation: ``AUDIT_SEAL_KEY`` signs; ``AUDIT_SEAL_OLD_KEYS`` (newest first) still
verify. ``key_index`` says which key verified (0 the current one, 1 the newest old key,
...), so a verifier can insist that along one chain the keys never go back to an older
one (a leaked old key then cannot extend a chain already signed under a newer key).

Each kind of record signs under its own domain (``audit-row``, ``message``, ...), so a
MAC taken from one kind never verifies as another.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def _keys() -> list[bytes]:
    old = [str(key) for key in getattr(settings, "AUDIT_SEAL_OLD_KEYS", [])]
    return [str(key).encode() for key in [settings.AUDIT_SEAL_KEY, *old]]


def _mac(key: bytes, domain: str, payload: str) -> str:
    message = payload.encode() if not domain else f"{domain}\n{payload}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def sign(domain: str, payload: str) -> str:
    """HMAC-SHA256 of ``payload`` in ``domain`` under the current ``AUDIT_SEAL_KEY``."""
    return _mac(_keys()[0], domain, payload)


def key_index(domain: str, payload: str, mac: str) -> int | None:
    """Which key signed ``payload`` (0: ``AUDIT_SEAL_KEY``, n: ``AUDIT_SEAL_OLD_KEYS[n-1]``),
    or None when no key did (forged, altered, or signed under a key no longer listed)."""
    for index, key in enumerate(_keys()):
        if hmac.compare_digest(_mac(key, domain, payload), mac or ""):
            return index
    return None


def oldest_index() -> int:
    """The index of the oldest key still listed (0 when there is no old key)."""
    return len(_keys()) - 1
