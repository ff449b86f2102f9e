from __future__ import annotations

# A case is made by a referral: the same world and clients as the referrals tests.
from tests.referrals.conftest import as_user, world

__all__ = ["as_user", "world"]
