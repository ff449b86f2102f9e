"""Endorsement expiry reminders and the curators' digest (run daily by
directory.tasks). Idempotent through fixed outbox keys.

- The provider hears 60, 30 and 7 days before a verified endorsement expires: each run
  sends only the nearest threshold reached (a job that missed days does not send three
  mails at once), once per endorsement and threshold.
- Curators get one digest a day listing the endorsements that expired the day before
  (their first day shown as expired)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from directory.models import Endorsement, EndorsementStatus
from outbox.services import outbox_email, outbox_notify
from people.preferences import language_of
from people.roles import CURATOR_GROUP
from referral_hub.sitelinks import absolute_url

THRESHOLDS = (7, 30, 60)


def _threshold(days_left: int) -> int | None:
    return next((t for t in THRESHOLDS if days_left <= t), None)


def _remind_provider(endorsement: Endorsement, days: int) -> bool:
    user = endorsement.provider.user
    if user is None:
        return False
    key = f"endorsement:{endorsement.pk}:expires:{endorsement.expires_on.isoformat()}:{days}d"
    label = f"Your {endorsement.get_category_display()} endorsement expires on {endorsement.expires_on.isoformat()}"
    outbox_notify(
        user.pk,
        "endorsement.expiring",
        {"endorsement_id": endorsement.pk, "label": label},
        key=key + ":in_app",
    )
    created = outbox_email(
        key=key,
        to_address=user.email,
        subject=f"Your endorsement expires in {days} days or less",
        body=f"{label}.\n\nRenew it in time to stay listed as endorsed: "
        f"{absolute_url(f'/providers/{endorsement.provider_id}/')}",
        kind="endorsement.expiring",
        recipient_id=user.pk,
        language=language_of(user),
    )
    return created is not None


def _curators() -> list[User]:
    users = User.objects.filter(Q(is_staff=True) | Q(groups__name=CURATOR_GROUP), is_active=True)
    return list(users.exclude(email="").distinct().order_by("id"))


def _digest(today: date) -> int:
    expired = list(
        Endorsement.objects.filter(status=EndorsementStatus.VERIFIED, expires_on=today - timedelta(days=1))
        .select_related("provider")
        .order_by("provider__name", "id")
    )
    if not expired:
        return 0
    lines = "\n".join(
        f"- {e.provider.name}: {e.get_category_display()} ({e.credential_number or 'no number'})"
        for e in expired
    )
    sent = 0
    for curator in _curators():
        created = outbox_email(
            key=f"endorsement-digest:{today.isoformat()}:{curator.pk}",
            to_address=curator.email,
            subject=f"{len(expired)} endorsement(s) expired after {(today - timedelta(days=1)).isoformat()}",
            body=f"These endorsements are now shown as expired:\n\n{lines}\n\n"
            f"Review them: {absolute_url('/curate/')}",
            kind="endorsement.digest",
            recipient_id=curator.pk,
        )
        sent += created is not None
    return sent


@transaction.atomic
def endorsements_remind_expiry(*, now: datetime | None = None) -> dict[str, int]:
    """Queue the due provider reminders and today's curator digest."""
    today = (now or timezone.now()).date()
    upcoming = Endorsement.objects.filter(
        status=EndorsementStatus.VERIFIED,
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=max(THRESHOLDS)),
    ).select_related("provider__user")
    reminders = 0
    for endorsement in upcoming.order_by("id"):
        days = _threshold((endorsement.expires_on - today).days)
        if days is not None:
            reminders += _remind_provider(endorsement, days)
    return {"reminders": reminders, "digests": _digest(today)}
