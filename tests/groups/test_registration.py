"""Places and the waitlist: first come, first served; a cancelled place goes to the
head of the line."""

from __future__ import annotations

import pytest

from groups.models import RegistrationStatus
from groups.services import Registrant, RegistrationRefused, cancel, register
from tests.factories.base import UserFactory
from tests.factories.groups import GroupFactory

pytestmark = pytest.mark.django_db


def _family(n: int) -> Registrant:
    return Registrant(name=f"Parent {n}", email=f"parent{n}@example.org")


def test_places_then_waitlist_then_promotion_in_order() -> None:
    group = GroupFactory(capacity=2)
    first, second, third, fourth = (register(group_id=group.pk, registrant=_family(n)) for n in range(4))
    assert [r.status for r in (first, second, third, fourth)] == [
        RegistrationStatus.REGISTERED,
        RegistrationStatus.REGISTERED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.WAITLISTED,
    ]
    promoted = cancel(registration_id=second.pk)
    assert [r.pk for r in promoted] == [third.pk]
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert (third.status, fourth.status) == (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)
    # Cancelling a waitlisted place promotes nobody.
    assert cancel(registration_id=fourth.pk) == []


def test_full_group_without_waitlist_refuses() -> None:
    group = GroupFactory(capacity=1, waitlist_open=False)
    register(group_id=group.pk, registrant=_family(1))
    with pytest.raises(RegistrationRefused) as refused:
        register(group_id=group.pk, registrant=_family(2))
    assert refused.value.code == "group_full"


def test_same_account_registers_once() -> None:
    group = GroupFactory()
    user = UserFactory()
    once = register(group_id=group.pk, registrant=Registrant(name="Ana", user=user))
    again = register(group_id=group.pk, registrant=Registrant(name="Ana", user=user))
    assert once.pk == again.pk
    assert group.registrations.count() == 1


def test_a_way_to_reach_the_family_is_required() -> None:
    group = GroupFactory()
    with pytest.raises(RegistrationRefused) as refused:
        register(group_id=group.pk, registrant=Registrant(name="Ana"))
    assert refused.value.code == "contact_required"


def test_find_groups_near_a_zip_by_language_and_age() -> None:
    from directory import geo
    from groups.selectors import GroupSearch, find_groups

    near_spanish = GroupFactory(language="es", ages_min_months=0, ages_max_months=36)
    GroupFactory(language="en")
    far = GroupFactory(language="es")
    far.location.zip, (far.location.lat, far.location.lng) = "49855", geo.zip_centroid("49855")  # Marquette
    far.location.save()
    video = GroupFactory(language="es", location=None, online=True)
    found = find_groups(GroupSearch(language="es", age_months=14, near=geo.zip_centroid("48104")))
    assert [item.group.pk for item in found] == sorted([near_spanish.pk, video.pk])
    distances = {item.group.pk: item.distance_miles for item in found}
    assert distances[video.pk] is None and distances[near_spanish.pk] is not None
    assert all(len(item.next_starts) == 3 for item in found)
