"""Who may read the network indicators: network leads only (aggregates, never a child)."""

from __future__ import annotations

from people.roles import Actor, is_network_lead
from referral_hub.errors import ApplicationError


def require_network_lead(actor: Actor) -> None:
    """403 ``network_lead_only`` for everyone else (the page and its URL are public
    knowledge; there is no object whose existence could leak)."""
    if not is_network_lead(actor):
        raise ApplicationError(
            "network_lead_only", "Only network leads may read the network indicators.", 403
        )
