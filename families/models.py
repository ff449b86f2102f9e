"""A family's own record: households, the guardians who speak for a child, children."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
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
    CASEWORKER = "caseworker", _("Caseworker (child-welfare agency)")
    OTHER = "other", _("Other caregiver")


#: What a family (registering) or a provider (inviting) may say of a household member. A
#: caseworker joins a household only through a coordinator recording the agency's order.
HOUSEHOLD_RELATIONSHIPS = [choice for choice in Relationship.choices if choice[0] != Relationship.CASEWORKER]

#: Relationships that are a parent's: a guardian recorded with one of them holds
#: ``parent`` authority for each child of the household (``families.authority``).
PARENT_RELATIONSHIPS = frozenset({Relationship.MOTHER, Relationship.FATHER, Relationship.PARENT})


GUARDIAN_MAC_DOMAIN = "family-guardian"


def guardian_payload(guardian: Any) -> str:
    """What a guardian row's MAC covers: who, and which family (any object with
    ``user_id`` and ``family_id``: a row, or a migration's historical row)."""
    return json.dumps({"user": guardian.user_id, "family": guardian.family_id}, sort_keys=True)


class Guardian(models.Model):
    """A member of the household who may act for the family's children: sees them in
    the portal unless a ``no_information`` restriction says otherwise. Who may consent,
    and on what basis, is ``Authority`` (one row per holder and child), not this row."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardian")
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="guardians")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
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


class AuthorityBasis(models.TextChoices):
    """On what basis a person may consent for a child (docs/consent.md, "Who may consent")."""

    PARENT = "parent", _("Parent")
    LEGAL_GUARDIAN = "legal_guardian", _("Legal guardian (court order)")
    AGENCY_CUSTODY = "agency_custody", _("Caseworker for the child-welfare agency (custody order)")
    MINOR_PARENT = "minor_parent", _("Parent under 18")
    DELEGATED = "delegated", _("Caregiver with authority delegated by the agency")


#: Bases that rest on a court order or an agency's written delegation: recorded only by
#: staff or a coordinator, with the document.
ORDERED_BASES = frozenset(
    {AuthorityBasis.LEGAL_GUARDIAN, AuthorityBasis.AGENCY_CUSTODY, AuthorityBasis.DELEGATED}
)


class InForceQuerySet(models.QuerySet[Any]):
    def in_force(self, at: datetime | None = None) -> models.QuerySet[Any]:
        """Rows in force at ``at`` (now): started, and not yet at their end."""
        at = at or timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at), starts_at__lte=at)


def order_document_path(instance: OrderDocument, filename: str) -> str:
    # Never the uploader's file name on disk: it is kept in ``name`` only.
    return f"orders/{timezone.now():%Y}/{uuid.uuid4().hex}"


class OrderDocument(models.Model):
    """A court order or an agency's written delegation, as uploaded by the recorder who
    checked it (``consent.authority_services.order_document_upload``: a PDF, PNG or
    JPEG by content, at most 10 MB, audited). The one home of the file: the authorities
    and restrictions it rests on point here. Only its uploader may name it when
    recording."""

    file = models.FileField(upload_to=order_document_path, max_length=255)
    name = models.CharField(max_length=255, help_text="The uploader's file name (shown, never used on disk).")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # Null only for a file recorded before documents were uploaded on their own and
    # whose recorder was not known (migration families 0007): nobody may reuse it.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name


class CourtOrdered(models.Model):
    """What an authority and a restriction share: the order they rest on (its number and
    document), when they hold (from ``starts_at`` until ``ends_at``, open when None) and
    who recorded them. ``objects.in_force(at)``."""

    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    order_number = models.CharField(max_length=100, blank=True)
    document = models.ForeignKey(
        OrderDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="%(class)s_rows"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = InForceQuerySet.as_manager()

    class Meta:
        abstract = True


class Authority(CourtOrdered):
    """Who may consent for a child, why, from when and until when. A ``delegated``
    holder may consent only for the purposes listed in ``purposes``; every other basis
    covers every purpose (``purposes`` empty). Rows are never deleted: an authority
    ends by its ``ends_at`` (an order's end, or custody moving), and the consents it
    stood behind are re-checked (``consent.authority``)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="authorities")
    holder = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="authorities")
    basis = models.CharField(max_length=20, choices=AuthorityBasis.choices)
    purposes = models.JSONField(default=list, blank=True, help_text="Empty: every purpose.")
    end_note = models.CharField(max_length=300, blank=True)
    # When the consents this authority stood behind were re-checked after its end (the
    # job's mark, so each end is acted on once).
    rechecked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "authorities"
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["child", "holder"], name="authority_child_holder"),
            models.Index(fields=["ends_at", "rechecked_at"], name="authority_ends"),
        ]

    def covers(self, purpose: str) -> bool:
        return not self.purposes or purpose in self.purposes

    def __str__(self) -> str:
        return f"{self.holder} for {self.child}: {self.basis}"


class RestrictionKind(models.TextChoices):
    NO_INFORMATION = "no_information", _("No information about the child")
    NO_CONTACT = "no_contact", _("Never contacted about the child")
    ADDRESS_CONFIDENTIAL = "address_confidential", _("Address and placement kept confidential")


class Restriction(CourtOrdered):
    """A court order's restriction on one household member for one child: what they may
    not see (``no_information``), that nobody contacts them (``no_contact``), or that
    their own contact details and the child's placement reach nobody else
    (``address_confidential``)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="restrictions")
    person = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="restrictions")
    kind = models.CharField(max_length=30, choices=RestrictionKind.choices)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["child", "person", "kind"], name="restriction_child_person")]

    def __str__(self) -> str:
        return f"{self.person} for {self.child}: {self.kind}"
