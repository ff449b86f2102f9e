"""What apps above directory add to its writes, from their ``AppConfig.ready()``
(directory imports none of them).

- ``register_claim_listener(fn)``: ``fn(provider_id=, user_id=)`` runs inside the
  transaction that approves a listing claim, once the listing belongs to the account
  (referrals: the account now sees the referrals sent to the listing before it had one,
  e.g. by e-mailed link to a partner without an account)."""

from __future__ import annotations

from collections.abc import Callable

ClaimListener = Callable[..., None]

_claim_listeners: dict[str, ClaimListener] = {}


def register_claim_listener(name: str, fn: ClaimListener) -> None:
    """Register (or replace: ``ready()`` may run twice) a listener by name."""
    _claim_listeners[name] = fn


def listing_claimed(*, provider_id: int, user_id: int) -> None:
    for fn in _claim_listeners.values():
        fn(provider_id=provider_id, user_id=user_id)
