"""Scheduled consent notices (run by consent.tasks). Idempotent: each notice has one
outbox key per consent, expiry date and guardian (or per child, day and guardian for
the refused-attempts digest), so a re-run sends nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent, Outcome
from consent.models import Consent
from consent.recipients import family_recipients
from consent.texts import plain_date
from families.mail import mail_family
from families.models import Guardian
from outbox.services import outbox_in_app_update_by_key, outbox_notify
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
        for guardian in family_recipients(consent.child_id, consenting=True):
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


# --- refused attempts on a child's record: a daily digest to the family -----------------

REFUSED_KIND = "consent.refused_attempts"


def _refusals_today(now: datetime) -> list[dict[str, Any]]:
    """Per child, today's (UTC) refused attempts by signed-in accounts that are not the
    child's own family: ``child_id``, ``family_id``, ``attempts``, ``accounts``."""
    start = datetime.combine(now.date(), time.min, tzinfo=UTC)
    family_own = Guardian.objects.filter(user_id=OuterRef("actor_id"), family_id=OuterRef("child__family_id"))
    rows = (
        AuditEvent.objects.filter(
            outcome=Outcome.DENIED, child__isnull=False, actor__isnull=False, at__gte=start, at__lte=now
        )
        .exclude(Exists(family_own))
        .values("child_id", family_id=F("child__family_id"))
        .annotate(attempts=Count("id"), accounts=Count("actor_id", distinct=True))
        .order_by("child_id")
    )
    return [dict(row) for row in rows]


@transaction.atomic
def consents_notify_refusals(*, now: datetime | None = None) -> int:
    """Tell each guardian, in the notice centre, that someone was refused their child's
    record today (docs/consent.md, "Refused attempts"): at most one notice per child,
    day and guardian, brought up to date (the count) while unread; no e-mail (the
    access log says who, when and what). Returns the notices queued now."""
    now = now or timezone.now()
    queued = 0
    for row in _refusals_today(now):
        path = reverse("portal-access-log", kwargs={"child_id": row["child_id"]})
        payload = {
            "child_id": row["child_id"],
            "attempts": row["attempts"],
            "accounts": row["accounts"],
            "day": now.date().isoformat(),
            "url": path,
        }
        for guardian in family_recipients(row["child_id"]):
            user = guardian.user
            key = f"consent:refused:{row['child_id']}:{now.date().isoformat()}:guardian:{user.pk}"
            if outbox_notify(user.pk, REFUSED_KIND, payload, key=key, language=language_of(user)) is None:
                outbox_in_app_update_by_key(key=key, payload=payload)
            else:
                queued += 1
    return queued
