"""Response-clock reminders (run by referrals.tasks every 15 minutes). The due times are
stored on each referral from its urgency's targets (``referrals/targets.py``: routine is
Part C's 7 / 45 days, soon and urgent are shorter).

- First contact: the recipient is reminded ``contact_reminder_before`` the due time
  (routine: day 5 of 7) while the referral is still unanswered (sent/received); once the
  clock has run out the referrer is told it is overdue.
- First appointment: the recipient is reminded ``appointment_reminder_before`` the due
  time (routine: day 38 of 45) while no appointment is scheduled
  (sent/received/accepted); once the clock has run out the referrer is told.

One reminder per referral per clock and step: each has a fixed outbox key, and the
query skips referrals whose key is already queued, so re-runs send nothing twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from outbox.models import OutboxMessage
from outbox.services import outbox_email, outbox_notify
from people.preferences import language_of
from referral_hub.sitelinks import absolute_url
from referrals.models import Referral, ReferralStatus
from referrals.targets import TARGETS

S = ReferralStatus
UNANSWERED = (S.SENT, S.RECEIVED)
NOT_SCHEDULED = (S.SENT, S.RECEIVED, S.ACCEPTED)


@dataclass(frozen=True)
class Step:
    clock: str  # "contact" | "appointment"
    step: str  # "reminder" (to the recipient) | "overdue" (to the referrer)
    statuses: tuple[str, ...]
    subject: str


STEPS = (
    Step(
        "contact",
        "reminder",
        UNANSWERED,
        "Reminder: a referral is waiting for first contact",
    ),
    Step(
        "contact",
        "overdue",
        UNANSWERED,
        "A referral you sent is overdue for first contact",
    ),
    Step(
        "appointment",
        "reminder",
        NOT_SCHEDULED,
        "Reminder: a referral needs an appointment",
    ),
    Step(
        "appointment",
        "overdue",
        NOT_SCHEDULED,
        "A referral you sent has no appointment yet",
    ),
)


def _key_expr(step: Step) -> Concat:
    """The in-app row's key (always written when the provider has an account)."""
    return Concat(
        Value("referral:"),
        Cast(OuterRef("pk"), CharField()),
        Value(f":clock:{step.clock}:{step.step}:in_app"),
        output_field=CharField(),
    )


def _lead(step: Step, urgency: str) -> timedelta:
    target = TARGETS[urgency]
    if step.step == "overdue":
        return timedelta(0)
    return target.contact_reminder_before if step.clock == "contact" else target.appointment_reminder_before


def _due_q(step: Step, now: datetime) -> Q:
    """The clock's stored due time is within the step's lead (per urgency) of ``now``."""
    field = f"{step.clock}_due_at__lte"
    q = Q()
    for urgency in TARGETS:
        q |= Q(urgency=urgency, **{field: now + _lead(step, urgency)})
    return q


def _due(step: Step, now: datetime) -> QuerySet[Referral]:
    already = OutboxMessage.objects.filter(key=_key_expr(step))
    return (
        Referral.objects.filter(_due_q(step, now), status__in=step.statuses)
        .filter(~Q(Exists(already)))
        .select_related("to_provider__user", "from_provider__user")
        .order_by("id")
    )


def _remind(referral: Referral, step: Step) -> bool:
    provider = referral.to_provider if step.step == "reminder" else referral.from_provider
    if provider is None:  # a family's own request: the family is not sent staff reminders
        return False
    user = provider.user
    if user is None:
        return False
    key = f"referral:{referral.pk}:clock:{step.clock}:{step.step}"
    path = f"/referrals/{referral.pk}/"
    outbox_notify(
        user.pk,
        f"referral.clock.{step.clock}.{step.step}",
        {"referral_id": referral.pk, "label": f"Referral #{referral.pk}: {step.subject.lower()}"},
        key=key + ":in_app",
        language=language_of(user),
    )
    outbox_email(
        key=key,
        to_address=user.email,
        subject=step.subject,
        body=f"{step.subject}.\n\nSign in to see it: {absolute_url(path)}\n\n"
        "For privacy, details are only shown after you sign in.",
        kind="referral.clock",
        recipient_id=user.pk,
        language=language_of(user),
    )
    return True


@transaction.atomic
def referrals_remind_clocks(*, now: datetime | None = None) -> dict[str, int]:
    """Queue every Part C reminder that is due and not yet queued."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for step in STEPS:
        sent = sum(_remind(referral, step) for referral in _due(step, now))
        counts[f"{step.clock}_{step.step}"] = sent
    return counts
