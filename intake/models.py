"""A family's request for help ("Ask for help"): to a provider it chose (signed and sent
at once as a referral with ``source = family``) or, when the family does not know whom
to ask, to the care coordinators' queue, where a coordinator routes it to a provider and
the family signs the consent for that provider before anything is disclosed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.models import LANGUAGE_NAMES
from referral_hub import phones


class ContactMethod(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    NONE_BY_PHONE = "none_by_phone", _("Do not call me (e-mail only)")


class BestTime(models.TextChoices):
    """When the family can usually be reached (beside the free text)."""

    MORNINGS = "mornings", _("Mornings")
    AFTERNOONS = "afternoons", _("Afternoons")
    EVENINGS = "evenings", _("Evenings")
    WEEKENDS = "weekends", _("Weekends")


class Stage(models.TextChoices):
    QUEUED = "queued", _("Waiting for a care coordinator")
    AWAITING_SIGNATURE = "awaiting_signature", _("Waiting for your signature")
    REFERRED = "referred", _("Sent to the provider")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # A request without an account, closed by a coordinator once they reached the family.
    CLOSED = "closed", _("Closed by a care coordinator")


OPEN_STAGES = (Stage.QUEUED, Stage.AWAITING_SIGNATURE)

# The same stages in a care coordinator's words (the family reads ``Stage``'s labels).
COORDINATOR_STAGE_LABELS = {
    Stage.QUEUED: _("New: find a provider"),
    Stage.AWAITING_SIGNATURE: _("Routed: waiting for the family to sign"),
    Stage.REFERRED: _("Signed and sent to the provider"),
    Stage.WITHDRAWN: _("Withdrawn by the family"),
    Stage.CLOSED: _("Closed after calling back"),
}


class FamilyRequest(models.Model):
    """One request. ``provider`` is the provider asked (or routed to by a coordinator);
    ``via_coordinator`` marks requests that came through the coordinators' queue (the
    only children a coordinator may see). Once sent, ``referral`` carries the status."""

    # Both null for a family that asked without an account (docs/family-requests.md): no
    # child record, only how to reach the family, for the care coordinators alone.
    child = models.ForeignKey(
        "families.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="help_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Who to ask for when calling back a family without an account.
    contact_name = models.CharField(max_length=200, blank=True)
    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    via_coordinator = models.BooleanField(default=False, db_index=True)
    concern = models.TextField()
    preferred_language = models.CharField(max_length=8, default="en")
    contact_method = models.CharField(max_length=20, choices=ContactMethod.choices)
    best_times = models.CharField(max_length=300, blank=True)
    best_time_slots = models.JSONField(default=list, blank=True)
    # How to reach the family (``referral_hub.phones``: E.164), and the e-mail to write to
    # (the account's unless the family gave another).
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    # True once the family signed an authorization that names these contact details as
    # shared with the recipient: only then does the recipient read them.
    contact_in_consent = models.BooleanField(default=False)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.QUEUED, db_index=True)
    consent = models.ForeignKey(
        "consent.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The authorization version and the language it was shown in when the family signed.
    consent_text_version = models.CharField(max_length=40, blank=True)
    consent_language = models.CharField(max_length=8, blank=True)
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="family_request"
    )
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    routed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["via_coordinator", "stage", "created_at"], name="intake_queue"),
            models.Index(fields=["child", "provider", "stage"], name="intake_child_provider"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(stage="referred") | models.Q(referral__isnull=False),
                name="intake_referred_has_referral",
            ),
            models.CheckConstraint(
                condition=~models.Q(stage="awaiting_signature") | models.Q(provider__isnull=False),
                name="intake_awaiting_has_provider",
            ),
            # Without an account: the coordinators' queue only, never a provider.
            models.CheckConstraint(
                condition=models.Q(child__isnull=False, requested_by__isnull=False)
                | models.Q(
                    child__isnull=True,
                    requested_by__isnull=True,
                    via_coordinator=True,
                    provider__isnull=True,
                    stage__in=["queued", "closed"],
                ),
                name="intake_anonymous_to_coordinators_only",
            ),
        ]

    def __str__(self) -> str:
        return f"Family request #{self.pk} ({self.stage})"

    @property
    def anonymous(self) -> bool:
        """Asked without an account: no child record, the coordinators only."""
        return self.child_id is None

    @property
    def family_name(self) -> str:
        """Whom to ask for when contacting the family."""
        if self.requested_by is not None:
            return str(self.requested_by.get_full_name() or self.requested_by.get_username())
        return self.contact_name

    @property
    def phone_display(self) -> str:
        return phones.display(self.phone)

    @property
    def preferred_language_label(self) -> str:
        """The language's name in the reader's language ("Spanish" / "español")."""
        return str(LANGUAGE_NAMES.get(self.preferred_language, self.preferred_language))

    @property
    def best_time_labels(self) -> list[str]:
        labels = dict(BestTime.choices)
        return [str(labels.get(slot, slot)) for slot in self.best_time_slots or []]

    @property
    def coordinator_stage_label(self) -> str:
        if self.anonymous and self.stage == Stage.QUEUED:
            return str(_("New: call them back"))
        return str(COORDINATOR_STAGE_LABELS.get(Stage(self.stage), self.stage))

    @property
    def status(self) -> str:
        """What the family sees: the stage, or once sent the referral's own status."""
        if self.referral_id is not None and self.referral is not None:
            return str(self.referral.status)
        return str(self.stage)
