from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from families.authority import parents_hold_authority
from families.models import (
    Authority,
    AuthorityBasis,
    Child,
    Family,
    Guardian,
    Relationship,
    Restriction,
    RestrictionKind,
)
from tests.factories.base import UserFactory


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    name = factory.Sequence(lambda n: f"Family {n}")


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    family = factory.SubFactory(FamilyFactory)
    relationship = Relationship.PARENT

    @factory.post_generation
    def authority(self, create: bool, extracted: object, **kwargs: object) -> None:
        """As the app does when a guardian joins: a parent holds parent authority for
        each child of the household (``families.authority``). A guardian without
        authority is one recorded with another relationship (a grandparent, a foster
        parent)."""
        if create:
            parents_hold_authority(self.family_id)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child
        skip_postgeneration_save = True

    family = factory.SubFactory(FamilyFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=400))

    @factory.post_generation
    def authority(self, create: bool, extracted: object, **kwargs: object) -> None:
        """As the app does when a child is added: the household's parents hold parent
        authority for the child."""
        if create:
            parents_hold_authority(self.family_id)


class AuthorityFactory(factory.django.DjangoModelFactory):
    """An order-based authority (a legal guardian by default): set ``basis``,
    ``purposes`` (a delegation's scope), ``ends_at`` as the scenario needs."""

    class Meta:
        model = Authority

    child = factory.SubFactory(ChildFactory)
    holder = factory.SubFactory(GuardianFactory, family=factory.SelfAttribute("..child.family"))
    basis = AuthorityBasis.LEGAL_GUARDIAN
    order_number = factory.Sequence(lambda n: f"24-JV-{100 + n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class RestrictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Restriction

    child = factory.SubFactory(ChildFactory)
    person = factory.SubFactory(GuardianFactory, family=factory.SelfAttribute("..child.family"))
    kind = RestrictionKind.NO_INFORMATION
    order_number = factory.Sequence(lambda n: f"24-PO-{100 + n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
