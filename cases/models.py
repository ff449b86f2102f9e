"""A child's case and its care team: who works on the child together.

``CareTeamMember`` is our own indexed table, not a guardian permission: chat fan-out and
the per-frame membership check read it. A membership is current while ``left_at`` is
null; the consent gate is checked on top of it (membership alone never discloses).

The tables keep the names they had while these models lived in ``referrals``
(``referrals_case``, ``referrals_careteammember``): the move changed the owner, not the
data (cases/migrations/0001_initial.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Case(models.Model):
    child = models.OneToOneField("families.Child", on_delete=models.PROTECT, related_name="case")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "referrals_case"

    def __str__(self) -> str:
        return f"Case #{self.pk} ({self.child})"


class TeamRole(models.TextChoices):
    REFERRER = "referrer", "Referrer"
    RECIPIENT = "recipient", "Accepted a referral"
    LEAD = "lead", "Care coordinator"


class CareTeamMember(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="team_memberships"
    )
    # Denormalized from provider.user for the socket path: one indexed lookup per frame.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_memberships"
    )
    role = models.CharField(max_length=20, choices=TeamRole.choices)
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)
    left_reason = models.CharField(max_length=100, blank=True)

    class Meta:
        db_table = "referrals_careteammember"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "provider"],
                condition=Q(left_at__isnull=True),
                name="one_current_membership_per_provider",
            )
        ]
        indexes = [
            models.Index(fields=["user", "case"], name="team_user_case", condition=Q(left_at__isnull=True)),
        ]
