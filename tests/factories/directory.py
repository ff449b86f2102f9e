from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from directory import geo
from directory.models import Discipline, Endorsement, EndorsementCategory, Location, Organization, Provider
from directory.services import provider_verified_summary_refresh
from tests.factories.base import UserFactory


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")


class ProviderFactory(factory.django.DjangoModelFactory):
    """A provider listing with a login (``user``); pass ``user=None`` for a listing only.
    ``languages``/``payment_options`` take the stored ``|a|b|`` form (see ``join_codes``)."""

    class Meta:
        model = Provider

    name = factory.Faker("name")
    discipline = Discipline.MENTAL_HEALTH_CLINICIAN
    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    languages = "|en|"
    ages_min_months = 0
    ages_max_months = 72


def _centroid(zip_code: str, index: int) -> float | None:
    point = geo.zip_centroid(zip_code)
    return point[index] if point else None


class LocationFactory(factory.django.DjangoModelFactory):
    """A location at a ZIP's centroid unless ``lat``/``lng`` are given."""

    class Meta:
        model = Location

    provider = factory.SubFactory(ProviderFactory)
    city = "Ann Arbor"
    state = "MI"
    zip = "48104"
    lat = factory.LazyAttribute(lambda o: _centroid(o.zip, 0))
    lng = factory.LazyAttribute(lambda o: _centroid(o.zip, 1))


class EndorsementFactory(factory.django.DjangoModelFactory):
    """Verified and valid for a year unless told otherwise."""

    class Meta:
        model = Endorsement
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    category = EndorsementCategory.INFANT_MENTAL_HEALTH_SPECIALIST
    credential_number = factory.Sequence(lambda n: f"TEST-{n:05d}")
    issuing_association = "Michigan Association for Infant Mental Health"
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=700))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))
    status = "verified"

    @factory.post_generation
    def verified_summary(self, create: bool, extracted: object, **kwargs: object) -> None:
        # What the directory's services do after every endorsement write (save() does not).
        if create:
            provider_verified_summary_refresh(provider_ids=[self.provider_id])
