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
