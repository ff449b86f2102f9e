"""The directory: organizations and the providers families can find.

Issue 2 extends this file (locations, endorsements, services, languages...). Other apps
rely only on ``Organization``, ``Provider.user``, ``Provider.organization``,
``Provider.name`` and ``Provider.discipline``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Discipline(models.TextChoices):
    PEDIATRICIAN = "pediatrician", "Pediatrician"
    EARLY_CHILDHOOD_EDUCATOR = "early_childhood_educator", "Early childhood educator"
    SOCIAL_WORKER = "social_worker", "Social worker"
    SPEECH_LANGUAGE_PATHOLOGIST = "speech_language_pathologist", "Speech-language pathologist"
    MENTAL_HEALTH_CLINICIAN = "mental_health_clinician", "Infant/early childhood mental health clinician"
    OCCUPATIONAL_THERAPIST = "occupational_therapist", "Occupational therapist"
    PSYCHOLOGIST = "psychologist", "Psychologist"
    HOME_VISITOR = "home_visitor", "Home visitor"
    EARLY_INTERVENTION_COORDINATOR = "early_intervention_coordinator", "Early intervention coordinator"


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
    name = models.CharField(max_length=255)
    discipline = models.CharField(max_length=40, choices=Discipline.choices, db_index=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_discipline_display()})"
