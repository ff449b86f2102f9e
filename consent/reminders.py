"""Scheduled consent notices (run by consent.tasks). Idempotent: each notice has one
outbox key per consent, expiry date and guardian, so a re-run sends nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from consent.models import Consent
from consent.texts import plain_date
from families.mail import mail_family
from families.models import Guardian
from outbox.services import outbox_notify
from people.preferences import language_of
from referral_hub.sitelinks import absolute_url

NOTICE_BEFORE = timedelta(days=14)
SUBJECT = _("A sharing permission on Referral Hub ends soon")
BODY = _(
    "A permission you gave to share information ends on %(date)s. "
    "To keep sharing, renew it here:\n\n%(link)s\n\nIf you do nothing, sharing stops on that day."
)


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
    lang = language_of(user)
    path = reverse("portal-consent-new", kwargs={"child_id": consent.child_id})
    key = f"consent:{consent.pk}:ends:{consent.expires_on.isoformat()}:guardian:{user.pk}"
    outbox_notify(
        user.pk,
        "consent.expiring",
        {"consent_id": consent.pk, "expires_on": consent.expires_on.isoformat(), "renew": path},
        key=key + ":in_app",
        language=lang,
    )
    with translation.override(lang):
        date = plain_date(consent.expires_on)
    created = mail_family(
        key=key,
        to_address=user.email,
        subject=SUBJECT,
        body=BODY,
        kind="consent.expiring",
        recipient_id=user.pk,
        language=lang,
        date=date,
        link=absolute_url(path),
    )
    return int(created is not None)
