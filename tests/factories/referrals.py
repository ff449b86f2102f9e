"""Referral test worlds: a family, a referrer and a recipient covered by consents, and a
helper that sends referrals through the real service (no hand-built rows)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from tests.factories.consent import ConsentFactory, scope
from tests.factories.directory import ProviderFactory
from tests.factories.families import ChildFactory, FamilyFactory, GuardianFactory

ALL_PURPOSES = ("referral", "care_coordination", "messaging")


@dataclass
class ReferralWorld:
    family: Any
    guardian: Any
    child: Any
    referrer: Any  # Provider (with .user)
    recipient: Any
    consents: dict[str, Any] = field(default_factory=dict)


def grant(world: ReferralWorld, provider, purposes=ALL_PURPOSES, categories=None, **extra):  # type: ignore[no-untyped-def]
    categories = categories or ("demographics", "screening_results", "developmental_history")
    return ConsentFactory(
        child=world.child,
        granted_by=world.guardian,
        recipient_provider=provider,
        **scope(purposes, categories),
        **extra,
    )


def referral_world(*, recipient_consent: bool = True, recipient_scope: dict | None = None) -> ReferralWorld:
    family = FamilyFactory()
    guardian = GuardianFactory(family=family)
    child = ChildFactory(family=family)
    referrer = ProviderFactory(discipline="pediatrician")
    recipient = ProviderFactory(discipline="mental_health_clinician")
    world = ReferralWorld(family, guardian, child, referrer, recipient)
    world.consents["referrer"] = grant(world, referrer)
    if recipient_consent:
        world.consents["recipient"] = grant(world, recipient, **(recipient_scope or {}))
    return world


def asq_se_2(total: int = 70, interval: int = 18) -> dict[str, Any]:
    return {
        "instrument": "asq_se_2",
        "administered_on": (timezone.now().date() - datetime.timedelta(days=2)).isoformat(),
        "interval_months": interval,
        "total": total,
    }


def send(world: ReferralWorld, **overrides: Any):  # type: ignore[no-untyped-def]
    """Send a referral from ``world.referrer`` to ``world.recipient`` via the service."""
    from referrals.screening import validate_screenings
    from referrals.services import referral_send

    kwargs: dict[str, Any] = {
        "actor": world.referrer.user,
        "child_id": world.child.pk,
        "to_provider_id": world.recipient.pk,
        "reason": "Concerns about sleep and separation.",
        "urgency": "soon",
        "concern_type": "social_emotional",
        "screenings": [asq_se_2()],
    }
    kwargs.update(overrides)
    # The service takes scored screenings (``referrals.inputs`` scores what people type).
    kwargs["screenings"] = validate_screenings(kwargs["screenings"])
    return referral_send(**kwargs).referral
