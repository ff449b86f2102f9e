from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from groups.models import Audience, Group, Kind
from tests.factories.directory import LocationFactory, ProviderFactory


class GroupFactory(factory.django.DjangoModelFactory):
    """A weekly parent group of eight sessions, starting next week at 10:00 in Detroit,
    at a location of its host."""

    class Meta:
        model = Group

    host = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Circle of Security Parenting {n}")
    kind = Kind.PARENT_GROUP
    audience = Audience.FAMILIES
    language = "en"
    location = factory.LazyAttribute(lambda o: LocationFactory(provider=o.host))
    capacity = 10
    time_zone = "America/Detroit"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    start_time = datetime.time(10, 0)
    rrule = "FREQ=WEEKLY;COUNT=8"
    duration_minutes = 90
