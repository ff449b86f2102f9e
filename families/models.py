"""A family's own record: households, the guardians who speak for a child, children."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from audit import macs


class Family(models.Model):
    name = models.CharField(max_length=200, help_text="Household name, e.g. 'Rivera family'.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "families"

    def __str__(self) -> str:
        return self.name


class Relationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    PARENT = "parent", _("Parent")
    GRANDPARENT = "grandparent", _("Grandparent")
    FOSTER_PARENT = "foster_parent", _("Foster parent")
    LEGAL_GUARDIAN = "legal_guardian", _("Legal guardian")
    OTHER = "other", _("Other caregiver")


GUARDIAN_MAC_DOMAIN = "family-guardian"


def guardian_payload(guardian: Any) -> str:
    """What a guardian row's MAC covers: who, and which family (any object with
    ``user_id`` and ``family_id``: a row, or a migration's historical row)."""
    return json.dumps({"user": guardian.user_id, "family": guardian.family_id}, sort_keys=True)


class Guardian(models.Model):
    """A user who may act for the family's children. Only guardians with
    ``has_legal_authority`` may grant or revoke consent."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardian")
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="guardians")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    has_legal_authority = models.BooleanField(default=True)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    email_confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the e-mail link first activated the account. A confirmation link "
        "works once: it never re-activates an account an administrator deactivated.",
    )
    # HMAC under AUDIT_SEAL_KEY of (user, family), set by every save (families.integrity):
    # a guardian row inserted with database rights alone is not family to the access log
    # and fails verify_audit.
    mac = models.CharField(max_length=64, blank=True, default="", editable=False)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.mac = macs.sign(GUARDIAN_MAC_DOMAIN, guardian_payload(self))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "mac" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "mac"]
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class Child(models.Model):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="children")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    preferred_language = models.CharField(max_length=8, default="en", help_text="ISO 639-1")
    pronouns = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "children"
        ordering = ["date_of_birth", "id"]
        constraints = [
            models.UniqueConstraint(
                "family",
                Lower("first_name"),
                Lower("last_name"),
                "date_of_birth",
                name="child_unique_per_family",
            )
        ]

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """A provider recording a first contact invites the guardian to the portal. Only a
    SHA-256 of the token is stored (the link is the secret); single use, expiring."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="invitations")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    relationship = models.CharField(max_length=20, choices=Relationship.choices, default=Relationship.PARENT)
    invited_by = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="family_invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
