"""Demo consents. Family 1's guardian covers the five team providers for Mateo (all
purposes, all categories but caregiver screening except for the IMH clinician); Lucía's
history holds a revoked consent (pediatrician) and an expired one (SLP). Family 2's
guardian covers the social worker for Ava, so no team login sees Ava through the
pediatrician role. ``outsider`` never gets any consent. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from consent.authority import in_force_for
from consent.models import (
    CATEGORY_FIELDS,
    PURPOSE_FIELDS,
    Consent,
    ConsentEvent,
    ConsentEventKind,
    ConsentRequest,
    SignatureMethod,
)
from consent.services import authorization_for
from directory.models import Provider
from families.models import Child, Guardian
from people.demo import Writer

TEAM = ["pediatrician", "educator", "social_worker", "slp", "imh_clinician"]
DEMO_TEXT_VERSION = "demo-2026-01"


def _flags(caregiver: bool) -> dict[str, bool]:
    flags = {field: True for field in PURPOSE_FIELDS.values()}
    flags.update({field: True for field in CATEGORY_FIELDS.values()})
    flags["category_caregiver_screening"] = caregiver
    return flags


def _ensure(
    *,
    guardian: Guardian,
    child: Child,
    provider: Provider,
    caregiver: bool = False,
    start_days_ago: int = 0,
    term_days: int = 300,
) -> tuple[Consent, bool]:
    """The demo consent for (child, provider) in its intended state, created once;
    returns (consent, created)."""
    mine = Consent.objects.filter(child=child, recipient_provider=provider)
    if start_days_ago == 0:
        existing = mine.active().first()
    elif term_days < start_days_ago:
        existing = mine.filter(expires_on__lt=timezone.now().date(), revoked_at__isnull=True).first()
    else:
        existing = mine.filter(revoked_at__isnull=False).first()
    if existing is not None:
        return existing, False
    flags = _flags(caregiver)
    start = timezone.now() - timedelta(days=start_days_ago)
    expires_on = start.date() + timedelta(days=term_days)
    basis = in_force_for(guardian, child.pk).order_by("purposes", "pk").first()
    _, text = authorization_for(
        child=child,
        guardian=guardian,
        provider=provider,
        organization=None,
        purposes=[code for code, field in PURPOSE_FIELDS.items() if flags[field]],
        data_categories=[code for code, field in CATEGORY_FIELDS.items() if flags[field]],
        expires_on=expires_on,
        basis=basis,
    )
    consent = Consent.objects.create(
        child=child,
        granted_by=guardian,
        authority=basis,
        recipient_provider=provider,
        valid_from=start,
        signed_at=start,
        expires_on=expires_on,
        text_version=DEMO_TEXT_VERSION,
        signed_text=text,
        signature_method=SignatureMethod.PORTAL_ESIGNATURE,
        **flags,
    )
    ConsentEvent.objects.create(consent=consent, kind=ConsentEventKind.GRANTED, actor=guardian.user, at=start)
    return consent, True


def seed(world: dict[str, Any], stdout: Writer) -> None:
    guardian = world["guardians"]["guardian"]
    guardian2 = world["guardians"]["guardian2"]
    children = world["children"]
    providers = world["providers"]
    consents = world.setdefault("consents", {})

    for username in TEAM:
        consent, _created = _ensure(
            guardian=guardian,
            child=children["mateo"],
            provider=providers[username],
            caregiver=username == "imh_clinician",
        )
        consents[username] = consent

    # A listing without an account (issue 27): Mateo's family shares with it for a
    # referral the pediatrician sends by e-mailed link.
    partner = world.get("partners", {}).get("early_on")
    if partner is not None:
        consents["early_on"], _created = _ensure(guardian=guardian, child=children["mateo"], provider=partner)

    # Family 2 shares with someone else entirely.
    consent, _created = _ensure(
        guardian=guardian2, child=children["ava"], provider=providers["social_worker"]
    )
    consents["ava_social_worker"] = consent

    # History: a revoked consent (Lucía -> pediatrician) ...
    revoked, created = _ensure(
        guardian=guardian,
        child=children["lucia"],
        provider=providers["pediatrician"],
        start_days_ago=40,
        term_days=200,
    )
    if created:
        at = timezone.now() - timedelta(days=10)
        Consent.objects.filter(pk=revoked.pk).update(
            revoked_at=at, revoked_by=guardian.user, revoke_reason="We moved to another clinic."
        )
        ConsentEvent.objects.create(
            consent=revoked,
            kind=ConsentEventKind.REVOKED,
            actor=guardian.user,
            at=at,
            detail={"reason": "We moved to another clinic."},
        )
        revoked.refresh_from_db()
    consents["lucia_revoked"] = revoked

    # ... and an expired one (Lucía -> SLP), with its expiry recorded.
    expired, created = _ensure(
        guardian=guardian,
        child=children["lucia"],
        provider=providers["slp"],
        start_days_ago=400,
        term_days=365,
    )
    if created:
        ConsentEvent.objects.create(
            consent=expired,
            kind=ConsentEventKind.EXPIRED,
            at=timezone.now() - timedelta(days=34),
            detail={"expires_on": expired.expires_on.isoformat()},
        )
    consents["lucia_expired"] = expired
    stdout.write(
        f"consent: {len(TEAM)} active consents for family 1, 1 for family 2, one revoked and one expired in history"
    )
    _seed_requests(world, stdout)


def _seed_requests(world: dict[str, Any], stdout: Writer) -> None:
    """An open consent request: the social worker (covered for Ava) asks family 2 to
    share Ava's information with the pediatrician; guardian2 sees it in the portal."""
    providers = world["providers"]
    request, _created = ConsentRequest.objects.get_or_create(
        child=world["children"]["ava"],
        requested_by=providers["social_worker"],
        provider=providers["pediatrician"],
        defaults={
            "requested_by_user": providers["social_worker"].user,
            "purposes": ["referral", "care_coordination"],
            "data_categories": ["demographics", "screening_results"],
            "note": "Ava's pediatrician would like to see her screening results before the next visit.",
        },
    )
    world.setdefault("consent_requests", {})["ava_pediatrician"] = request
    stdout.write("consent: 1 open consent request (family 2)")
