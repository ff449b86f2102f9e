"""How to reach the family of a referral it asked for itself ("Ask for help"), shown to
the recipient beside the first-contact target (the page and the API's
``family_contact``). The app that holds the request (``intake``, a layer above) registers
the lookup from its ``AppConfig.ready``; the lookup answers only for a viewer the consent
the family signed with its request covers (``consent.decision.covered_by``), else None."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from people.roles import Actor
from referrals.models import Referral, ReferralSource


@dataclass(frozen=True)
class FamilyContact:
    name: str
    method: str
    method_label: str
    phone: str
    phone_display: str
    email: str
    language: str
    language_label: str
    best_times: str
    best_time_slots: list[str] = field(default_factory=list)
    best_time_labels: list[str] = field(default_factory=list)


Lookup = Callable[[Actor, Referral], FamilyContact | None]
_lookup: list[Lookup] = []


def register_family_contact(lookup: Lookup) -> None:
    """Replaces any earlier one (Django may call ``ready()`` twice in tests)."""
    _lookup[:] = [lookup]


def family_contact(viewer: Actor, referral: Referral) -> FamilyContact | None:
    if referral.source != ReferralSource.FAMILY or not _lookup:
        return None
    return _lookup[0](viewer, referral)
