from __future__ import annotations

import factory

from directory.models import Discipline, Organization, Provider
from tests.factories.base import UserFactory


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")


class ProviderFactory(factory.django.DjangoModelFactory):
    """A provider listing with a login (``user``); pass ``user=None`` for a listing only."""

    class Meta:
        model = Provider

    name = factory.Faker("name")
    discipline = Discipline.MENTAL_HEALTH_CLINICIAN
    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
