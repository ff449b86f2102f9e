"""Demo consents: family 1's guardian covers the five team providers for Mateo (all
purposes, all categories but caregiver screening except for the IMH clinician)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from consent.models import (
    CATEGORY_FIELDS,
    PURPOSE_FIELDS,
    Consent,
    ConsentEvent,
    ConsentEventKind,
    SignatureMethod,
)

TEAM = ["pediatrician", "educator", "social_worker", "slp", "imh_clinician"]
DEMO_TEXT_VERSION = "demo-2026-01"


def seed(world: dict[str, Any], stdout) -> None:  # type: ignore[no-untyped-def]
    guardian = world["guardians"]["guardian"]
    child = world["children"]["mateo"]
    consents = world.setdefault("consents", {})
    for username in TEAM:
        provider = world["providers"][username]
        existing = Consent.objects.active().filter(child=child, recipient_provider=provider).first()
        if existing is None:
            flags = {field: True for field in PURPOSE_FIELDS.values()}
            flags.update({field: True for field in CATEGORY_FIELDS.values()})
            flags["category_caregiver_screening"] = username == "imh_clinician"
            existing = Consent.objects.create(
                child=child,
                granted_by=guardian,
                recipient_provider=provider,
                expires_on=(timezone.now() + timedelta(days=300)).date(),
                text_version=DEMO_TEXT_VERSION,
                signed_text="Demo consent (seed data).",
                signature_method=SignatureMethod.PORTAL_ESIGNATURE,
                **flags,
            )
            ConsentEvent.objects.create(consent=existing, kind=ConsentEventKind.GRANTED, actor=guardian.user)
        consents[username] = existing
    stdout.write(f"consent: {len(consents)} active consents for family 1")
