"""Scheduled consent notices (run by consent.tasks). Idempotent: each notice has one
outbox key per consent, expiry date and guardian, so a re-run sends nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from consent.models import Consent
from families.models import Guardian
from outbox.services import language_of, outbox_email, outbox_notify

NOTICE_BEFORE = timedelta(days=14)
SUBJECT = {
    "en": "A sharing permission on Referral Hub ends soon",
    "es": "Un permiso para compartir en Referral Hub vence pronto",
}
BODY = {
    "en": "A permission you gave to share information ends on {date}. "
    "To keep sharing, renew it here:\n\n{link}\n\nIf you do nothing, sharing stops on that day.",
    "es": "Un permiso que usted dio para compartir información vence el {date}. "
    "Para seguir compartiendo, renuévelo aquí:\n\n{link}\n\nSi no hace nada, se deja de compartir ese día.",
}


@transaction.atomic
def consents_notify_expiring(*, now: datetime | None = None) -> int:
    """Tell each guardian with legal authority, once, that a consent for their child
    ends within 14 days, with a link to renew it. Returns the notices queued now."""
    today = (now or timezone.now()).date()
    consents = (
        Consent.objects.filter(
            expires_on__gte=today, expires_on__lte=today + NOTICE_BEFORE, revoked_at__isnull=True
        )
        .select_related("child")
        .order_by("id")
    )
    queued = 0
    for consent in consents:
        guardians = Guardian.objects.filter(family_id=consent.child.family_id, has_legal_authority=True)
        for guardian in guardians.select_related("user"):
            queued += _notice(consent, guardian)
    return queued


def _notice(consent: Consent, guardian: Guardian) -> int:
    user = guardian.user
    lang = language_of(user) if language_of(user) in SUBJECT else "en"
    path = reverse("portal-consent-new", kwargs={"child_id": consent.child_id})
    key = f"consent:{consent.pk}:ends:{consent.expires_on.isoformat()}:guardian:{user.pk}"
    outbox_notify(
        user.pk,
        "consent.expiring",
        {"consent_id": consent.pk, "expires_on": consent.expires_on.isoformat(), "renew": path},
        key=key + ":in_app",
        language=lang,
    )
    created = outbox_email(
        key=key,
        to_address=user.email,
        subject=SUBJECT[lang],
        body=BODY[lang].format(
            date=consent.expires_on.isoformat(), link=settings.SITE_URL.rstrip("/") + path
        ),
        kind="consent.expiring",
        recipient_id=user.pk,
        language=lang,
    )
    return int(created is not None)
