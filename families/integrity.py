"""Guardian rows carry an HMAC under AUDIT_SEAL_KEY (``audit.macs``), the key kept
outside the database.

Being a guardian of a family decides whose reads the access log folds into "the
family's own visits" (``families.roles.is_family_of``, asked when a row is written). A
``families_guardian`` row inserted with database rights alone has no valid MAC: the
access log does not treat its user as family (their reads stay among other people's),
and ``manage.py verify_audit`` reports the row (``verify_guardians``, registered in
``FamiliesConfig``). Every save through the app signs (``Guardian.save``).
"""

from __future__ import annotations

from audit import macs
from families.models import GUARDIAN_MAC_DOMAIN, Guardian, guardian_payload

GUARDIAN_DOMAIN = GUARDIAN_MAC_DOMAIN


def guardian_mac(guardian: Guardian) -> str:
    return macs.sign(GUARDIAN_DOMAIN, guardian_payload(guardian))


def guardian_signed(guardian: Guardian) -> bool:
    """Whether the row was written by the app (its MAC verifies under a listed key)."""
    return macs.key_index(GUARDIAN_DOMAIN, guardian_payload(guardian), guardian.mac) is not None


def verify_guardians(*, chunk_size: int = 2000) -> str:
    """The first guardian row whose MAC does not verify, in words, or ""."""
    for guardian in Guardian.objects.order_by("id").iterator(chunk_size=chunk_size):
        if not guardian_signed(guardian):
            return (
                f"guardian row {guardian.pk} (user {guardian.user_id}, family {guardian.family_id}) does not "
                "verify under AUDIT_SEAL_KEY (written or changed with database rights alone)"
            )
    return ""
