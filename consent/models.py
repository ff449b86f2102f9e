"""Consents a guardian grants for a child's information, and their append-only history.

Purposes and data categories are stored as one boolean column each: the gate query
(``consent/policies.py``) is then a plain indexed filter on every database, including
SQLite, instead of a JSON containment test.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    REFERRAL = "referral", _("Making a referral")
    CARE_COORDINATION = "care_coordination", _("Coordinating care")
    MESSAGING = "messaging", _("Messages with the care team")


class DataCategory(models.TextChoices):
    DEMOGRAPHICS = "demographics", _("Basic details (name, birth date, language)")
    SCREENING_RESULTS = "screening_results", _("Screening results")
    DEVELOPMENTAL_HISTORY = "developmental_history", _("Developmental history")
    FAMILY_HISTORY = "family_history", _("Family history")
    CASE_NOTES = "case_notes", _("Case notes and care-team messages")
    CAREGIVER_SCREENING = "caregiver_screening", _("Caregiver screening (for example a depression screen)")


PURPOSE_FIELDS = {p.value: f"purpose_{p.value}" for p in Purpose}
CATEGORY_FIELDS = {c.value: f"category_{c.value}" for c in DataCategory}


class SignatureMethod(models.TextChoices):
    PORTAL_ESIGNATURE = "portal_esignature", _("Signed online (password re-entered)")
    PROVIDER_ATTESTED_PAPER = "provider_attested_paper", _("Paper form, recorded by a provider")
    PROVIDER_ATTESTED_VERBAL = "provider_attested_verbal", _("Spoken consent, recorded by a provider")


class ConsentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def active(self, at: datetime.datetime | None = None) -> ConsentQuerySet:
        """Consents in force at ``at`` (now by default): started, not revoked, and
        ``expires_on`` not yet passed (valid through the whole expiry day, UTC)."""
        at = at or timezone.now()
        return self.filter(
            Q(revoked_at__isnull=True) | Q(revoked_at__gt=at),
            valid_from__lte=at,
            expires_on__gte=at.date(),
        )


class Consent(models.Model):
    child = models.ForeignKey("families.Child", on_delete=models.PROTECT, related_name="consents")
    granted_by = models.ForeignKey(
        "families.Guardian", on_delete=models.PROTECT, related_name="consents_granted"
    )
    recipient_provider = models.ForeignKey(
        "directory.Provider", null=True, blank=True, on_delete=models.PROTECT, related_name="consents"
    )
    recipient_organization = models.ForeignKey(
        "directory.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents",
    )
    # The authority the signer gave it under (their basis); None on consents given
    # before authority was kept as data (their signer's parent or guardian authority).
    authority = models.ForeignKey(
        "families.Authority", null=True, blank=True, on_delete=models.PROTECT, related_name="consents"
    )
    purpose_referral = models.BooleanField(default=False)
    purpose_care_coordination = models.BooleanField(default=False)
    purpose_messaging = models.BooleanField(default=False)
    category_demographics = models.BooleanField(default=False)
    category_screening_results = models.BooleanField(default=False)
    category_developmental_history = models.BooleanField(default=False)
    category_family_history = models.BooleanField(default=False)
    category_case_notes = models.BooleanField(default=False)
    category_caregiver_screening = models.BooleanField(default=False)

    valid_from = models.DateTimeField(default=timezone.now)
    expires_on = models.DateField()
    # The exact text the guardian saw and signed, and how they signed it.
    text_version = models.CharField(max_length=40)
    # The language of the signed text ("en" or "es"); each language has its own versions.
    text_language = models.CharField(max_length=8, default="en")
    signed_text = models.TextField()
    signature_method = models.CharField(max_length=30, choices=SignatureMethod.choices)
    attested_by = models.ForeignKey(
        "directory.Provider",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attested_consents",
    )
    paper_form_reference = models.CharField(max_length=200, blank=True)
    signed_at = models.DateTimeField(default=timezone.now)

    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(recipient_provider__isnull=False, recipient_organization__isnull=True)
                    | Q(recipient_provider__isnull=True, recipient_organization__isnull=False)
                ),
                name="consent_exactly_one_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient_provider", "child", "expires_on"], name="consent_provider_gate"),
            models.Index(fields=["recipient_organization", "child", "expires_on"], name="consent_org_gate"),
        ]

    @property
    def purposes(self) -> list[str]:
        return [code for code, field in PURPOSE_FIELDS.items() if getattr(self, field)]

    @property
    def data_categories(self) -> list[str]:
        return [code for code, field in CATEGORY_FIELDS.items() if getattr(self, field)]

    @property
    def status(self) -> str:
        now = timezone.now()
        if self.revoked_at is not None and self.revoked_at <= now:
            return ConsentStatus.REVOKED
        if self.expires_on < now.date():
            return ConsentStatus.EXPIRED
        return ConsentStatus.ACTIVE

    def __str__(self) -> str:
        recipient = self.recipient_provider or self.recipient_organization
        return f"Consent #{self.pk}: {self.child} -> {recipient}"


class ConsentEventKind(models.TextChoices):
    GRANTED = "granted", _("Given")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Ended")


class ConsentEvent(models.Model):
    """Append-only history of a consent (UPDATE/DELETE fail in PostgreSQL itself)."""

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=ConsentEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]


class ConsentRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the family")
    SIGNED = "signed", _("Signed by the family")
    DECLINED = "declined", _("Declined by the family")


class ConsentRequest(models.Model):
    """A provider who may see a child asks the family to share with another provider
    (usually the one they want to refer to). The guardian signs it (which creates a
    ``Consent`` through the normal grant, same rules) or declines it; the asker is told."""

    child = models.ForeignKey("families.Child", on_delete=models.PROTECT, related_name="consent_requests")
    requested_by = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="consent_requests_made"
    )
    requested_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="consent_requests_for"
    )
    purposes = models.JSONField(default=list)
    data_categories = models.JSONField(default=list)
    note = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ConsentRequestStatus.choices, default=ConsentRequestStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.TextField(blank=True)
    consent = models.OneToOneField(
        Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="request"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open question per child and provider: asking twice is 409 consent_request_pending.
            models.UniqueConstraint(
                fields=["child", "provider"],
                condition=Q(status="pending"),
                name="consent_request_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["child", "status"], name="consent_request_child")]

    def __str__(self) -> str:
        return f"Consent request #{self.pk}: {self.child_id} -> {self.provider_id} ({self.status})"
