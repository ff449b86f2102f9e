from __future__ import annotations

import datetime

import factory

from families.authority import parents_hold_authority
from families.models import Child, Family, Guardian, Relationship
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
