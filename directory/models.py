"""The directory: organizations, the providers families can find, where they work and
the endorsements that vouch for them.

Other apps rely only on ``Organization``, ``Provider.user``, ``Provider.organization``,
``Provider.name``, ``Provider.discipline`` and ``Provider.hsds_id``.

Storage is shaped by the public search (a page must cost a constant number of queries
on SQLite and PostgreSQL alike): code lists that people filter on (languages, payment
options) are stored as ``|code|code|`` strings so one indexed-friendly ``LIKE`` works on
both databases, and ``search_text`` denormalizes what the text search reads (name,
organization, services, specialties) so PostgreSQL can index ``to_tsvector`` of one
column (see migration 0003).
"""

from __future__ import annotations

import datetime
import unicodedata
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from directory.model_catalogue import model_name


def with_unaccented(text: str) -> str:
    """``text`` followed by its accent-free spelling when that differs ("Tomás Tomas"),
    so "Tomas" and "Tomás" both find it, on SQLite (``icontains``) and in both
    PostgreSQL text-search configurations, without an ``unaccent`` index."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return text if plain == text else f"{text} {plain}"


class Discipline(models.TextChoices):
    PEDIATRICIAN = "pediatrician", _("Pediatrician")
    EARLY_CHILDHOOD_EDUCATOR = "early_childhood_educator", _("Early childhood educator")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    SPEECH_LANGUAGE_PATHOLOGIST = "speech_language_pathologist", _("Speech-language pathologist")
    MENTAL_HEALTH_CLINICIAN = "mental_health_clinician", _("Infant/early childhood mental health clinician")
    OCCUPATIONAL_THERAPIST = "occupational_therapist", _("Occupational therapist")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    HOME_VISITOR = "home_visitor", _("Home visitor")
    EARLY_INTERVENTION_COORDINATOR = "early_intervention_coordinator", _("Early intervention coordinator")


class EndorsementCategory(models.TextChoices):
    """Alliance for the Advancement of Infant Mental Health: IMH-E® and ECMH-E®."""

    INFANT_FAMILY_ASSOCIATE = "infant_family_associate", "Infant Family Associate (IMH-E®)"
    INFANT_FAMILY_SPECIALIST = "infant_family_specialist", "Infant Family Specialist (IMH-E®)"
    INFANT_MENTAL_HEALTH_SPECIALIST = (
        "infant_mental_health_specialist",
        "Infant Mental Health Specialist (IMH-E®)",
    )
    INFANT_MENTAL_HEALTH_MENTOR_CLINICAL = (
        "infant_mental_health_mentor_clinical",
        "Infant Mental Health Mentor – Clinical (IMH-E®)",
    )
    INFANT_MENTAL_HEALTH_MENTOR_POLICY = (
        "infant_mental_health_mentor_policy",
        "Infant Mental Health Mentor – Policy (IMH-E®)",
    )
    INFANT_MENTAL_HEALTH_MENTOR_RESEARCH = (
        "infant_mental_health_mentor_research",
        "Infant Mental Health Mentor – Research/Faculty (IMH-E®)",
    )
    EARLY_CHILDHOOD_FAMILY_ASSOCIATE = (
        "early_childhood_family_associate",
        "Early Childhood Family Associate (ECMH-E®)",
    )
    EARLY_CHILDHOOD_FAMILY_SPECIALIST = (
        "early_childhood_family_specialist",
        "Early Childhood Family Specialist (ECMH-E®)",
    )
    EARLY_CHILDHOOD_MENTAL_HEALTH_SPECIALIST = (
        "early_childhood_mental_health_specialist",
        "Early Childhood Mental Health Specialist (ECMH-E®)",
    )
    EARLY_CHILDHOOD_MENTAL_HEALTH_MENTOR = (
        "early_childhood_mental_health_mentor",
        "Early Childhood Mental Health Mentor (ECMH-E®)",
    )


class PaymentOption(models.TextChoices):
    MEDICAID = "medicaid", _("Medicaid")
    CHIP = "chip", _("CHIP")
    PRIVATE_INSURANCE = "private_insurance", _("Private insurance")
    SLIDING_SCALE = "sliding_scale", _("Sliding scale")
    SELF_PAY = "self_pay", _("Self-pay")
    FREE = "free", _("Free of charge")


# ISO 639-1 codes people are likely to need; any valid two-letter code is accepted.
LANGUAGE_NAMES: dict[str, StrOrPromise] = {
    "en": _("English"),
    "es": _("Spanish"),
    "zh": _("Chinese"),
    "vi": _("Vietnamese"),
    "tl": _("Tagalog"),
    "ar": _("Arabic"),
    "fr": _("French"),
    "ht": _("Haitian Creole"),
    "ko": _("Korean"),
    "ru": _("Russian"),
    "pt": _("Portuguese"),
    "so": _("Somali"),
    "hmn": _("Hmong"),
    "am": _("Amharic"),
    "de": _("German"),
    "hi": _("Hindi"),
    "ur": _("Urdu"),
    "pl": _("Polish"),
    "sk": _("Slovak"),
    "ja": _("Japanese"),
    "fa": _("Persian"),
    "sw": _("Swahili"),
    "ne": _("Nepali"),
    "bn": _("Bengali"),
    "pa": _("Punjabi"),
    "it": _("Italian"),
    "uk": _("Ukrainian"),
    "asl": _("American Sign Language"),
}


def join_codes(codes: Iterable[str]) -> str:
    """``["en", "es"] -> "|en|es|"``: a membership test is ``contains "|es|"``."""
    unique = sorted({c.strip().lower() for c in codes if c and c.strip()})
    return f"|{'|'.join(unique)}|" if unique else ""


def split_codes(stored: str) -> list[str]:
    return [c for c in (stored or "").split("|") if c]


class Capacity(models.TextChoices):
    """What a provider can offer a new family now. ``unknown`` is never stored: it is
    what any answer older than ``CAPACITY_FRESH_DAYS`` (or no answer) reads as."""

    ACCEPTING = "accepting", _("Taking new families")
    WAITLIST = "waitlist", _("Waitlist")
    NO_CAPACITY = "no_capacity", _("Not taking new families now")
    ASSESSMENT_REQUIRED = "assessment_required", _("Assessment needed first")


CAPACITY_UNKNOWN = "unknown"
CAPACITY_CODES = [*Capacity.values, CAPACITY_UNKNOWN]
CAPACITY_FRESH_DAYS = 30
# A listing nobody confirmed for this long is ``stale`` (and its provider is asked once).
STALE_AFTER_DAYS = 365


def directory_today() -> datetime.date:
    """Today in the service's own zone (``TIME_ZONE``), whoever is asking: capacity
    and freshness dates are stored and aged on one calendar."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def capacity_code(capacity: str, as_of: datetime.date | None, today: datetime.date | None = None) -> str:
    """The capacity people see: the stored answer while it is at most 30 days old,
    otherwise ``unknown``."""
    today = today or directory_today()
    if not capacity or as_of is None or (today - as_of).days > CAPACITY_FRESH_DAYS:
        return CAPACITY_UNKNOWN
    return capacity


def listing_is_stale(last_verified_on: datetime.date | None, today: datetime.date | None = None) -> bool:
    today = today or directory_today()
    return last_verified_on is None or (today - last_verified_on).days > STALE_AFTER_DAYS


class Organization(models.Model):
    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Provider(models.Model):
    """A directory listing. ``user`` links the listing to a login (a provider account);
    the organization is the provider's current employer (organization consents follow it)."""

    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="provider",
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="providers"
    )
    name = models.CharField(max_length=255, db_index=True)
    discipline = models.CharField(max_length=40, choices=Discipline.choices, db_index=True)
    # A partner a provider named on a referral (issue 27: name, e-mail and/or phone)
    # who is not in the directory: a listing without an account that consents can name
    # like any recipient, never shown in the public search, its detail or the exports.
    unlisted = models.BooleanField(default=False)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    bio = models.TextField(blank=True)
    services = models.JSONField(default=list, blank=True, help_text="Services offered, one phrase each.")
    specialties = models.JSONField(default=list, blank=True)
    languages = models.CharField(
        max_length=200, blank=True, default="", help_text='ISO 639-1 codes stored as "|en|es|".'
    )
    payment_options = models.CharField(
        max_length=200, blank=True, default="", help_text='Payment codes stored as "|medicaid|self_pay|".'
    )
    ages_min_months = models.PositiveSmallIntegerField(default=0)
    ages_max_months = models.PositiveSmallIntegerField(default=72)
    accepting_new_families = models.BooleanField(default=True)
    # How care is given (``service_delivery``, derived from these three): families come
    # to a site, the provider visits families at home within the service area below, or
    # video visits. Each is stored once; ``telehealth`` keeps its name and index.
    at_site = models.BooleanField(default=True)
    home_visiting = models.BooleanField(default=False)
    telehealth = models.BooleanField(default=False)
    # The home-visiting service area (``directory/service_areas.py`` checks and reads it):
    # ZIP codes and counties stored as ``|code|`` strings like languages, so one ``LIKE``
    # matches a family's ZIP or county on both databases; and/or a radius around a centre
    # (a ZIP centroid, or the listing's base office, which is never published).
    service_zips = models.CharField(max_length=2000, blank=True, default="", help_text='"|48104|48197|"')
    service_counties = models.CharField(
        max_length=2000, blank=True, default="", help_text='"|MI:Washtenaw County|" (state:county).'
    )
    service_radius_miles = models.FloatField(null=True, blank=True)
    service_center_lat = models.FloatField(null=True, blank=True)
    service_center_lng = models.FloatField(null=True, blank=True)
    service_center_label = models.CharField(
        max_length=120,
        blank=True,
        default="",
        help_text="What the public reads for the centre (ZIP or city).",
    )
    assured_date = models.DateField(
        null=True,
        blank=True,
        help_text="When the listing was last verified (HSDS assured_date); the API calls it "
        "last_verified_on.",
    )
    website = models.URLField(blank=True)
    hours = models.TextField(
        blank=True, help_text="Opening hours in plain words, e.g. 'Mon-Fri 8am-5pm; Sat 9am-12pm'."
    )
    capacity = models.CharField(
        max_length=20,
        choices=Capacity.choices,
        blank=True,
        default="",
        help_text="Blank until the provider says; reads 'unknown' once older than 30 days.",
    )
    waitlist_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    capacity_note = models.CharField(max_length=300, blank=True)
    capacity_as_of = models.DateField(null=True, blank=True)
    search_text = models.TextField(blank=True, default="", editable=False)
    # Summary of the *verified* endorsements, kept by Endorsement.save()/delete, only for
    # ordering by ``-endorsed_since`` without a subquery per listing. Whether something
    # is shown as endorsed is never read from here: that always comes from the dates.
    verified_since = models.DateField(null=True, blank=True, editable=False)
    verified_until = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            # Narrow copy of every column the search filters on: PostgreSQL answers the
            # page's COUNT(*) with an index-only scan instead of reading the wide rows.
            models.Index(
                fields=[
                    "languages",
                    "payment_options",
                    "discipline",
                    "accepting_new_families",
                    "telehealth",
                    "ages_min_months",
                    "ages_max_months",
                ],
                name="provider_search_filters",
            ),
            # "discipline=..." pages in name order without sorting every match.
            models.Index(fields=["discipline", "name", "id"], name="provider_discipline_name"),
            # "ordering=-endorsed_since" pages the currently verified listings newest first
            # from this index (``directory/paging.py``), without sorting every one.
            models.Index(fields=["-verified_since", "name", "id"], name="provider_endorsed_order"),
            # The other listings follow in name order.
            models.Index(fields=["name", "id"], name="provider_name_id"),
            # "Openings" (``capacity=``, ``accepting=``): the answer and its date, so a
            # rare answer is found from the index rather than by walking every listing.
            models.Index(fields=["capacity", "capacity_as_of"], name="provider_capacity_as_of"),
            # The radius prefilter of home-visiting matches: centres inside a box around
            # the family's place (``service_areas.covering``).
            models.Index(fields=["service_center_lat", "service_center_lng"], name="provider_service_center"),
            # Every near search also asks "who visits families at home here?": only
            # home-visiting listings can answer, read from this index, not by walking
            # the listings that match the other filters (``service_areas.covering``).
            models.Index(
                fields=["id"], name="provider_home_visiting", condition=models.Q(home_visiting=True)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ages_min_months__lte=models.F("ages_max_months")),
                name="provider_ages_in_order",
            ),
            # A radius needs its centre (and a centre its radius).
            models.CheckConstraint(
                condition=models.Q(
                    service_radius_miles__isnull=True,
                    service_center_lat__isnull=True,
                    service_center_lng__isnull=True,
                )
                | models.Q(
                    service_radius_miles__gt=0,
                    service_center_lat__isnull=False,
                    service_center_lng__isnull=False,
                ),
                name="provider_service_radius_whole",
            ),
            # Home visiting is always somewhere: ZIPs, counties or a radius.
            models.CheckConstraint(
                condition=models.Q(home_visiting=False)
                | ~models.Q(service_zips="")
                | ~models.Q(service_counties="")
                | models.Q(service_radius_miles__isnull=False),
                name="provider_home_visiting_has_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_discipline_display()})"

    @property
    def service_delivery(self) -> list[str]:
        """``site``, ``home_visiting``, ``telehealth``: how this listing gives care."""
        flags = (
            ("site", self.at_site),
            ("home_visiting", self.home_visiting),
            ("telehealth", self.telehealth),
        )
        return [code for code, on in flags if on]

    @property
    def home_visiting_only(self) -> bool:
        """No site families come to: its street address is never published
        (``directory/disclosure.py``)."""
        return not self.at_site

    @property
    def language_codes(self) -> list[str]:
        return split_codes(self.languages)

    @property
    def payment_codes(self) -> list[str]:
        return split_codes(self.payment_options)

    def build_search_text(self, organization_name: str | None = None) -> str:
        if organization_name is None:
            organization_name = self.organization.name if self.organization is not None else ""
        parts = [self.name, organization_name or "", *self.services, *self.specialties]
        text = " ".join(p for p in parts if p)
        return with_unaccented(text)

    @property
    def last_verified_on(self) -> datetime.date | None:
        return self.assured_date

    @property
    def stale(self) -> bool:
        return listing_is_stale(self.assured_date)

    @property
    def capacity_shown(self) -> str:
        """``capacity`` as the public reads it (``unknown`` when old or never given)."""
        return capacity_code(self.capacity, self.capacity_as_of)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Kept in step on every ORM save; bulk paths (import, generator) set it themselves.
        self.search_text = self.build_search_text()
        synced = {"search_text"}
        if self.capacity:
            # The yes/no flag follows the capacity answer whenever there is one.
            self.accepting_new_families = self.capacity == Capacity.ACCEPTING
            synced.add("accepting_new_families")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *synced}
        super().save(*args, **kwargs)


class ServiceDelivery(models.TextChoices):
    SITE = "site", _("At a site")
    HOME_VISITING = "home_visiting", _("Home visits")
    TELEHEALTH = "telehealth", _("Video visits")


class Location(models.Model):
    """Where a provider sees families (or, for a home-visiting-only listing, its base:
    then only its city, state and ZIP are public). lat/lng are indexed together for the
    bounding-box prefilter of distance search."""

    hsds_id = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=255, blank=True)
    address_1 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=64, help_text="Two-letter code for US addresses.")
    zip = models.CharField(max_length=20, db_index=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    accessibility = models.TextField(
        blank=True, help_text="Access for people with disabilities, e.g. 'Step-free entrance, lift'."
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["lat", "lng"], name="location_lat_lng")]

    def __str__(self) -> str:
        return f"{self.city}, {self.state} {self.zip}"


class EndorsementStatus(models.TextChoices):
    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    LAPSED = "lapsed", _("Lapsed (renewal not done)")


# What may be stored; ``expired`` is never stored, it is read from the date. ``lapsed`` is
# stored by the endorsement process only (a renewal not done by its due date plus grace)
# and is shown as ``expired``; only a curator's recorded reinstatement undoes it.
STORED_STATUSES = [
    (EndorsementStatus.PENDING.value, EndorsementStatus.PENDING.label),
    (EndorsementStatus.VERIFIED.value, EndorsementStatus.VERIFIED.label),
    (EndorsementStatus.REVOKED.value, EndorsementStatus.REVOKED.label),
    (EndorsementStatus.LAPSED.value, EndorsementStatus.LAPSED.label),
]


class EndorsementQuerySet(models.QuerySet["Endorsement"]):
    def shown_as_endorsed(self, today: datetime.date | None = None) -> EndorsementQuerySet:
        """Invariant 6: the only endorsements anyone may present as endorsed."""
        today = today or timezone.now().date()
        return self.filter(status=EndorsementStatus.VERIFIED, expires_on__gte=today)


class Endorsement(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="endorsements")
    category = models.CharField(max_length=48, choices=EndorsementCategory.choices)
    credential_number = models.CharField(max_length=64, blank=True)
    issuing_association = models.CharField(max_length=255, blank=True)
    issued_on = models.DateField()
    expires_on = models.DateField()
    status = models.CharField(max_length=10, choices=STORED_STATUSES, default=EndorsementStatus.PENDING)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EndorsementQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "id"]
        indexes = [
            models.Index(fields=["category", "status", "expires_on"], name="endorsement_lookup"),
            models.Index(fields=["provider", "status", "expires_on"], name="endorsement_provider"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "verified", "revoked", "lapsed"]),
                name="endorsement_status_stored_with_lapse",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} — {self.provider.name}"

    def clean(self) -> None:
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": "An endorsement cannot expire before it was issued."})

    def effective_status(self, today: datetime.date | None = None) -> str:
        """The status people see: ``expired`` from the date, so it is never stale."""
        if self.status == EndorsementStatus.REVOKED:
            return EndorsementStatus.REVOKED.value
        if self.status == EndorsementStatus.LAPSED or self.expires_on < (today or timezone.now().date()):
            return EndorsementStatus.EXPIRED.value
        return self.status

    @property
    def display_status(self) -> str:
        return self.effective_status()

    def get_display_status_display(self) -> str:
        """The shown status in words, in the active language."""
        return str(EndorsementStatus(self.effective_status()).label)

    @property
    def is_shown_as_endorsed(self) -> bool:
        return self.effective_status() == EndorsementStatus.VERIFIED


class EndorsementReview(models.Model):
    """Append-only history of every endorsement status change: who, when, what."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        VERIFIED = "verified", _("Verified")
        REVOKED = "revoked", _("Revoked")
        RESET = "reset", _("Returned to pending")
        EDITED = "edited", _("Edited")
        LAPSED = "lapsed", _("Lapsed")

    endorsement = models.ForeignKey(Endorsement, on_delete=models.CASCADE, related_name="reviews")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True, help_text="Kept if the account goes.")
    action = models.CharField(max_length=10, choices=Action.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def from_status_label(self) -> str:
        return _endorsement_status_words(self.from_status)

    @property
    def to_status_label(self) -> str:
        return _endorsement_status_words(self.to_status)

    def __str__(self) -> str:
        return f"{self.actor_username or 'system'} {self.action} {self.endorsement_id} at {self.created_at:%Y-%m-%d %H:%M}"


def _endorsement_status_words(code: str) -> str:
    return str(EndorsementStatus(code).label) if code in EndorsementStatus.values else code


class ListingClaim(models.Model):
    """A provider account asks to be the person behind an unclaimed listing; a curator
    approves (the listing's ``user`` becomes the account) or rejects."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a curator")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listing_claims"
    )
    note = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "user"],
                condition=models.Q(status="pending"),
                name="listing_claim_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"claim of {self.provider_id} by {self.user_id} ({self.status})"


class ListingFlag(models.Model):
    """Someone (signed in or not) says a listing is wrong; curators resolve it."""

    class Reason(models.TextChoices):
        PHONE_WRONG = "phone_wrong", _("The phone number is wrong")
        CLOSED = "closed", _("This place has closed")
        NOT_ACCEPTING = "not_accepting", _("They are not taking new families")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"flag {self.reason} on {self.provider_id} ({self.status})"


class ModelStatus(models.TextChoices):
    """Where a provider stands in an evidence-based model (issue 28)."""

    IN_TRAINING = "in_training", _("In training")
    ROSTERED = "rostered", _("Rostered")
    CERTIFIED = "certified", _("Certified")


# The statuses the ``model=`` filter and FHIR count as holding the model.
CURRENT_MODEL_STATUSES = (ModelStatus.ROSTERED.value, ModelStatus.CERTIFIED.value)


class CredentialVerification(models.TextChoices):
    PENDING = "pending", _("Waiting for a curator")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Not verified")


class ModelCredentialQuerySet(models.QuerySet["ModelCredential"]):
    def public(self, today: datetime.date) -> ModelCredentialQuerySet:
        """What anyone may be shown: verified, and not past its expiry (an in-training
        entry may have none)."""
        return self.filter(verification=CredentialVerification.VERIFIED).filter(
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=today)
        )

    def current(self, today: datetime.date) -> ModelCredentialQuerySet:
        """Holding the model today: verified, rostered or certified, ``expires_on`` today
        or later (it leaves the ``model=`` filter the day after)."""
        return self.filter(
            verification=CredentialVerification.VERIFIED,
            status__in=CURRENT_MODEL_STATUSES,
            expires_on__gte=today,
        )


class ModelCredential(models.Model):
    """A provider's credential in an evidence-based model (CPP, PCIT, COS... codes from
    ``directory/data/evidence_models.json``). Claimed by the provider (``pending``), made
    public only by a curator's ``verified``; any change by the provider is a new claim.
    One per model per listing. Writes: ``directory.credentials``."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="model_credentials")
    code = models.CharField(max_length=32, help_text="A model code from the catalogue, e.g. 'cpp'.")
    status = models.CharField(max_length=12, choices=ModelStatus.choices)
    issuer = models.CharField(max_length=255, blank=True)
    credential_number = models.CharField(max_length=64, blank=True)
    expires_on = models.DateField(null=True, blank=True, help_text="Required unless in training.")
    verification = models.CharField(
        max_length=10, choices=CredentialVerification.choices, default=CredentialVerification.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ModelCredentialQuerySet.as_manager()

    class Meta:
        ordering = ["code", "id"]
        indexes = [
            # The ``model=`` filter's semi-join: code first, then what makes it current.
            models.Index(
                fields=["code", "verification", "status", "expires_on"], name="model_credential_filter"
            ),
            models.Index(fields=["verification", "created_at"], name="model_credential_queue"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["provider", "code"], name="model_credential_one_per_model"),
            models.CheckConstraint(
                condition=models.Q(status="in_training") | models.Q(expires_on__isnull=False),
                name="model_credential_expiry_unless_training",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.status} — {self.provider_id} ({self.verification})"

    @property
    def name(self) -> str:
        """The model's name in the active language."""
        return model_name(self.code)
