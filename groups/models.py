"""Groups and events: parent groups, workshops, reflective supervision groups and
trainings that a provider (or its organisation) runs on a schedule.

A group's sessions are not rows: they are the occurrences of its schedule (an iCalendar
RRULE with EXDATEs, from a first session's local date and time, in the group's time
zone), computed by ``groups.schedule``. A registration is one person's place (or place
in line) in one group; attendance is one registration at one session, keyed by the
session's start."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Location, Organization, Provider
from groups.schedule import Schedule


class Kind(models.TextChoices):
    PARENT_GROUP = "parent_group", _("Parent group")
    WORKSHOP = "workshop", _("Workshop")
    REFLECTIVE_SUPERVISION_GROUP = "reflective_supervision_group", _("Reflective supervision group")
    TRAINING = "training", _("Training")


class Audience(models.TextChoices):
    FAMILIES = "families", _("Families")
    PROVIDERS = "providers", _("Providers")


#: The kinds whose attendance counts toward a provider's endorsement, and as what.
ENDORSEMENT_ENTRY_KIND: dict[str, str] = {
    Kind.REFLECTIVE_SUPERVISION_GROUP: "rsc",
    Kind.TRAINING: "training",
}


class Group(models.Model):
    """One group or event. ``host`` runs it (the facilitator); ``location`` is where it
    meets (one of the host's locations), or none when it meets by video only."""

    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    host = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="groups_hosted")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="groups"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.FAMILIES)
    model_code = models.CharField(
        max_length=24, blank=True, help_text="Evidence-based model it follows (catalogue code), if any."
    )
    language = models.CharField(max_length=8, default="en", db_index=True)
    ages_min_months = models.PositiveSmallIntegerField(null=True, blank=True)
    ages_max_months = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="groups"
    )
    online = models.BooleanField(
        default=False, help_text="Meets by video (the link goes to registrants only)."
    )
    video_url = models.URLField(blank=True)
    capacity = models.PositiveSmallIntegerField(
        help_text="Places; registrations beyond it join the waitlist."
    )
    waitlist_open = models.BooleanField(default=True)
    # The schedule: the first session's local date and time in ``time_zone``, an RRULE
    # (without DTSTART) and the local dates of sessions that do not happen.
    time_zone = models.CharField(max_length=64, default="America/Detroit")
    starts_on = models.DateField(help_text="Local date of the first session.")
    start_time = models.TimeField(help_text="Local wall-clock time sessions start, in ``time_zone``.")
    rrule = models.CharField(
        max_length=300, blank=True, help_text="iCalendar RRULE, e.g. FREQ=WEEKLY;COUNT=8."
    )
    exdates = models.JSONField(default=list, blank=True, help_text="Local dates (YYYY-MM-DD) skipped.")
    duration_minutes = models.PositiveSmallIntegerField(default=90)
    domains = models.JSONField(
        default=list, blank=True, help_text="Endorsement competency domains its sessions address."
    )
    published = models.BooleanField(default=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def schedule(self) -> Schedule:
        return Schedule(
            starts_on=self.starts_on,
            start_time=self.start_time,
            time_zone=self.time_zone,
            rrule=self.rrule,
            exdates=tuple(self.exdates),
            duration_minutes=self.duration_minutes,
        )


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


class Registration(models.Model):
    """One person's place in a group. ``user`` is the account that registered (a family
    member or a provider); a family may also register without an account, by name and a
    way to reach it. ``provider`` is set when a provider attends (their attendance feeds
    their endorsement portfolio)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.CASCADE, related_name="group_registrations"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=8, default="en")
    texts_ok = models.BooleanField(default=False, help_text="Reminders by text to ``phone``.")
    status = models.CharField(
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
        db_index=True,
    )
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(status__in=["registered", "waitlisted"], user__isnull=False),
                name="groups_one_active_registration_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} in {self.group}"


class Attendance(models.Model):
    """Whether one registration attended one session (``session_start``: the session's
    start, an occurrence of the group's schedule)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendance")
    session_start = models.DateTimeField()
    present = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session_start"], name="groups_one_attendance_per_session"
            ),
        ]
