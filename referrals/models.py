"""Closed-loop referrals: ``Referral``, its timeline and screenings. A referral belongs
to the child's case (``cases.models.Case``: the case and its care team live in ``cases``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from cases.models import Case

# --- Referrals ------------------------------------------------------------------------


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Soon")
    URGENT = "urgent", _("Urgent")


class ConcernType(models.TextChoices):
    SOCIAL_EMOTIONAL = "social_emotional", _("Social-emotional / relationship")
    DEVELOPMENTAL = "developmental", _("Developmental")
    SPEECH_LANGUAGE = "speech_language", _("Speech and language")
    BEHAVIORAL = "behavioral", _("Behavior")
    AUTISM_SCREENING = "autism_screening", _("Autism screening follow-up")
    CAREGIVER_WELLBEING = "caregiver_wellbeing", _("Caregiver well-being")
    FAMILY_SUPPORT = "family_support", _("Family support / basic needs")
    OTHER = "other", _("Other")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SCHEDULED = "scheduled", _("Scheduled")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (
    ReferralStatus.SENT,
    ReferralStatus.RECEIVED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.SCHEDULED,
)


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No capacity")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    OUT_OF_AREA = "out_of_area", _("Out of area")
    FAMILY_UNREACHABLE = "family_unreachable", _("Family unreachable")
    FAMILY_DECLINED = "family_declined", _("Family declined")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    CONNECTED = "connected", _("Connected to services")
    EVALUATED_NOT_ELIGIBLE = "evaluated_not_eligible", _("Evaluated, not eligible")
    FAMILY_DECLINED = "family_declined", _("Family declined")
    UNREACHABLE = "unreachable", _("Family unreachable")


class NeedsMet(models.TextChoices):
    """Help Me Grow's "Needs Met" answer at the end of a referral: was the family's need
    met? (docs/referrals.md, "Needs met")."""

    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    UNKNOWN = "unknown", _("Unknown")


# The answers that ask why not: at least one barrier.
NEEDS_MET_WITH_BARRIERS = (NeedsMet.PARTLY, NeedsMet.NOT_MET)


class Barrier(models.TextChoices):
    """Why a need was not (fully) met: Help Me Grow's barrier codes."""

    WAITLIST = "waitlist", _("Waitlist")
    TRANSPORTATION = "transportation", _("Transportation")
    LANGUAGE = "language", _("Language")
    COST = "cost", _("Cost")
    ELIGIBILITY = "eligibility", _("Eligibility")
    FAMILY_DECLINED = "family_declined", _("Family declined")
    COULD_NOT_REACH = "could_not_reach", _("Could not reach the family")


def barrier_labels(codes: list[str]) -> list[str]:
    """Barrier codes in words, in the active language (unknown codes as they are)."""
    return [str(Barrier(code).label) if code in Barrier.values else code for code in codes]


class ReferralSource(models.TextChoices):
    PROVIDER = "provider", _("Provider")
    # A family asked for help itself (``intake``): no referring provider.
    FAMILY = "family", _("Family")


class Referral(models.Model):
    """One referral of a child from one provider to another.

    ``data_categories`` lists the consent data categories this referral discloses (always
    ``demographics``; ``screening_results`` / ``caregiver_screening`` when screenings are
    attached); the recipient may read the details only while a consent covers all of them.
    Status changes go through ``referrals.services`` (conditional, locked updates).
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    child = models.ForeignKey("families.Child", on_delete=models.PROTECT, related_name="referrals")
    # Empty for a family's own request (``source = family``): the family is the referrer.
    from_provider = models.ForeignKey(
        "directory.Provider",
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        null=True,
        blank=True,
    )
    source = models.CharField(
        max_length=10, choices=ReferralSource.choices, default=ReferralSource.PROVIDER, db_index=True
    )
    to_provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="referrals_received"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    concern_type = models.CharField(max_length=30, choices=ConcernType.choices, default=ConcernType.OTHER)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    data_categories = models.JSONField(default=list)

    status = models.CharField(
        max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT, db_index=True
    )
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(blank=True)
    appointment_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    cancel_reason = models.TextField(blank=True)
    # Recorded by the referrer after the fact (a referral made by phone or fax): nothing
    # is sent to the recipient, the referrer enters the answer and the outcome later.
    record_only = models.BooleanField(default=False)
    # Needs met (Help Me Grow), recorded by the recipient at completion; empty before.
    needs_met = models.CharField(max_length=10, choices=NeedsMet.choices, blank=True)
    barriers = models.JSONField(default=list, blank=True)
    # The family's own answer to the same question, kept apart from the recipient's
    # (docs/referrals.md, "Needs met": the indicators count each on its own).
    family_needs_met = models.CharField(max_length=10, choices=NeedsMet.choices, blank=True)
    family_barriers = models.JSONField(default=list, blank=True)
    family_answered_at = models.DateTimeField(null=True, blank=True)

    sent_at = models.DateTimeField()
    # Response clocks, set at sending from the urgency's targets (referrals/targets.py;
    # Part C's 7 / 45 days are the ceiling).
    contact_due_at = models.DateTimeField()
    appointment_due_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Idempotency-Key of the creating request, scoped to the sender, and a hash of its body
    # (same key + different body is refused rather than silently replayed).
    idempotency_key = models.CharField(max_length=200, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_provider", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="referral_idempotency_per_sender",
            ),
            models.CheckConstraint(
                condition=~Q(from_provider=models.F("to_provider")), name="referral_not_to_self"
            ),
            models.CheckConstraint(
                condition=Q(source="family") | Q(from_provider__isnull=False),
                name="referral_provider_source_has_sender",
            ),
        ]
        indexes = [
            models.Index(fields=["to_provider", "status", "-sent_at"], name="referral_inbox"),
            models.Index(fields=["from_provider", "status", "-sent_at"], name="referral_outbox"),
            models.Index(fields=["child", "-sent_at"], name="referral_child"),
        ]

    def __str__(self) -> str:
        return f"Referral #{self.pk} ({self.status})"

    @property
    def barrier_words(self) -> list[str]:
        return barrier_labels(self.barriers or [])

    @property
    def family_barrier_words(self) -> list[str]:
        return barrier_labels(self.family_barriers or [])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue_flags(self, now: datetime.datetime | None = None) -> list[str]:
        """Which response clocks have run out: ``contact`` (no answer by
        ``contact_due_at``) and ``appointment`` (no appointment by ``appointment_due_at``)."""

        now = now or timezone.now()
        flags = []
        if self.status in (ReferralStatus.SENT, ReferralStatus.RECEIVED) and now > self.contact_due_at:
            flags.append("contact")
        if (
            self.status in (ReferralStatus.SENT, ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED)
            and now > self.appointment_due_at
        ):
            flags.append("appointment")
        return flags


class Screening(models.Model):
    """A screening result attached to a referral. ``inputs`` are the scores entered,
    ``result`` what ``referrals.screening`` derived from them (zones, bands, flags)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="screenings")
    instrument = models.CharField(max_length=20)
    administered_on = models.DateField()
    inputs = models.JSONField()
    result = models.JSONField()

    class Meta:
        ordering = ["id"]


class ReferralEvent(models.Model):
    """A timeline row: one per status change (and one for sending)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A partner without an account who acted from a link: their name (no ``actor``);
    # the timeline reads "<name>, by link".
    partner_name = models.CharField(max_length=255, blank=True)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    # Set on scheduling and rescheduling: the appointment before and after (UTC), so the
    # timeline shows both in each reader's zone.
    previous_appointment_at = models.DateTimeField(null=True, blank=True)
    appointment_at = models.DateTimeField(null=True, blank=True)
    # Set on completion (the recipient's answer) and on the family's answer
    # (``by_family``): whether the need was met, and the barriers.
    needs_met = models.CharField(max_length=10, choices=NeedsMet.choices, blank=True)
    barriers = models.JSONField(default=list, blank=True)
    by_family = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]

    @property
    def barrier_labels(self) -> list[str]:
        return barrier_labels(self.barriers or [])

    @property
    def from_status_label(self) -> str:
        """The status before, in words (the row keeps the code)."""
        return _status_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return _status_label(self.to_status)


def _status_label(code: str) -> str:
    return str(ReferralStatus(code).label) if code in ReferralStatus.values else code


class ReferralUserObjectPermission(UserObjectPermissionBase):
    """django-guardian direct foreign-key table for ``Referral`` (integer FK, indexed),
    granted and revoked only through ``referrals.policies``."""

    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "content_object"], name="referral_perm_user_obj")]


class ReferralDraft(models.Model):
    """What a provider typed on the referral form before asking the family to share with
    the chosen recipient (issue 25: the reason had to be typed again once the family
    signed). One per sender, child and recipient; shown again on the form for that
    child and recipient while the sender may see the child; gone once the referral is
    sent."""

    from_provider = models.ForeignKey("directory.Provider", on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey("families.Child", on_delete=models.CASCADE, related_name="+")
    to_provider = models.ForeignKey("directory.Provider", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(blank=True)
    concern_type = models.CharField(max_length=30, blank=True)
    urgency = models.CharField(max_length=10, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_provider", "child", "to_provider"], name="referral_draft_one_per_pair"
            )
        ]


# --- Family next steps (issue 27) -------------------------------------------------------


class StepKind(models.TextChoices):
    """What a family is asked to do, coded as the SDOH Clinical Care IG's patient-task
    codes (``SDOHCC-ValueSetTaskCode``; docs/referrals.md, "Family next steps"). The
    value is the code itself; the label is the family's words."""

    MAKE_CONTACT = "make-contact", _("Get in touch to make an appointment")
    REVIEW_MATERIAL = "review-material", _("Read what the provider sent")
    COMPLETE_QUESTIONNAIRE = "complete-questionnaire", _("Fill in a questionnaire")
    GENERAL_INFORMATION = "general-information", _("Something to do or bring")


class NextStep(models.Model):
    """One thing the family is asked to do for a referral ("call to schedule", "bring the
    insurance card", "fill in the intake form"), in the family's words in English and
    Spanish. The recipient or the referrer adds it; a guardian of the child marks it
    done (``referrals.steps``). Exported as a FHIR ``Task`` (SDOHCC Task For Patient)
    part of the referral's ``Task``."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="next_steps")
    kind = models.CharField(max_length=30, choices=StepKind.choices)
    text_en = models.TextField()
    text_es = models.TextField(blank=True)
    # Where to do it (a questionnaire's address, required for ``complete-questionnaire``).
    url = models.URLField(max_length=500, blank=True)
    due_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["referral_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True) | Q(done_at__isnull=False),
                name="next_step_done_by_only_when_done",
            ),
            models.CheckConstraint(
                condition=~Q(kind="complete-questionnaire") | ~Q(url=""),
                name="next_step_questionnaire_has_url",
            ),
        ]

    def __str__(self) -> str:
        return f"Next step #{self.pk} ({self.kind}) of referral #{self.referral_id}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def text_in(self, language: str) -> str:
        """The family's words in ``language`` (Spanish when given; English otherwise)."""
        if language.startswith("es") and self.text_es:
            return self.text_es
        return self.text_en


class PartnerLinkStep(models.TextChoices):
    RESPOND = "respond", _("Accept or decline")
    SCHEDULE = "schedule", _("Schedule")
    COMPLETE = "complete", _("Record the outcome")


class PartnerLink(models.Model):
    """A signed, single-use, expiring link e-mailed to a recipient without an account
    (``/r/{token}/``): one step of the referral per link (respond, schedule, complete),
    each step sending the next. Only the sha256 of the token is stored, and the token is
    made when the e-mail is sent (``outbox.links``), so no table holds a usable link."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="partner_links")
    step = models.CharField(max_length=10, choices=PartnerLinkStep.choices)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    sent_to = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Partner link #{self.pk} ({self.step}) for referral {self.referral_id}"
