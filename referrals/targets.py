"""Response targets per urgency, as data: how soon the recipient should make first
contact with the family and hold the first appointment, and when the reminder goes out.

Sources (docs/referrals.md, "Targets per urgency"):

- Routine follows IDEA Part C: a primary referral source refers within 7 days of
  identifying a concern (34 CFR 303.303(a)(2)(i)), and the initial evaluation,
  assessment and IFSP meeting happen within 45 days of the referral (34 CFR 303.310).
  Those two numbers are the CEILING for every urgency: no target may be longer.
- Soon and urgent are shorter by network practice, modelled on Help Me Grow's
  centralized access point, where care coordinators reach families with an urgent
  concern by the next business day and triage the rest within days. A network adjusts
  these rows (never above the ceiling: ``tests/referrals/test_targets.py`` checks).

A referral stores its due times when sent, so changing a row affects new referrals only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from referrals.models import Urgency

PART_C_CONTACT_CEILING = timedelta(days=7)
PART_C_APPOINTMENT_CEILING = timedelta(days=45)


@dataclass(frozen=True)
class UrgencyTarget:
    urgency: str
    first_contact: timedelta
    first_appointment: timedelta
    contact_reminder_before: timedelta  # the recipient's reminder, before first contact is due
    appointment_reminder_before: timedelta  # ... and before the first appointment is due
    source: StrOrPromise

    @property
    def contact_days(self) -> int:
        return self.first_contact.days

    @property
    def appointment_days(self) -> int:
        return self.first_appointment.days

    @property
    def summary(self) -> str:
        """E.g. "first contact within 1 day, first appointment within 7 days"."""
        contact = ngettext(
            "first contact within %(n)d day", "first contact within %(n)d days", self.contact_days
        )
        appointment = ngettext(
            "first appointment within %(n)d day", "first appointment within %(n)d days", self.appointment_days
        )
        return f"{contact % {'n': self.contact_days}}, {appointment % {'n': self.appointment_days}}"


TARGETS: dict[str, UrgencyTarget] = {
    Urgency.ROUTINE: UrgencyTarget(
        Urgency.ROUTINE,
        first_contact=timedelta(days=7),
        first_appointment=timedelta(days=45),
        contact_reminder_before=timedelta(days=2),
        appointment_reminder_before=timedelta(days=7),
        source=_("IDEA Part C: 7 days to refer, 45 days to the first meeting (34 CFR 303.303, 303.310)"),
    ),
    Urgency.SOON: UrgencyTarget(
        Urgency.SOON,
        first_contact=timedelta(days=3),
        first_appointment=timedelta(days=14),
        contact_reminder_before=timedelta(days=1),
        appointment_reminder_before=timedelta(days=3),
        source=_("Network practice: contact within 3 days, first appointment within 2 weeks"),
    ),
    Urgency.URGENT: UrgencyTarget(
        Urgency.URGENT,
        first_contact=timedelta(days=1),
        first_appointment=timedelta(days=7),
        contact_reminder_before=timedelta(hours=8),
        appointment_reminder_before=timedelta(days=2),
        source=_("Help Me Grow practice: reach the family by the next business day"),
    ),
}


def target_for(urgency: str) -> UrgencyTarget:
    """The row for ``urgency`` (routine for anything unknown: the Part C ceiling)."""
    return TARGETS.get(urgency, TARGETS[Urgency.ROUTINE])
