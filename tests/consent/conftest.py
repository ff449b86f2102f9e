from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories.base import PASSWORD
from tests.factories.directory import OrganizationFactory, ProviderFactory
from tests.factories.families import ChildFactory, GuardianFactory

# The chat's sockets on a fresh in-memory layer, for stories that watch access end.
from tests.messaging.conftest import in_memory_layer, sockets  # noqa: F401


@pytest.fixture
def family(db):
    """A guardian (password ``PASSWORD``) and their child."""
    guardian = GuardianFactory()
    child = ChildFactory(family=guardian.family)
    return guardian, child


@pytest.fixture
def clinic(db):
    return OrganizationFactory(name="Harbor Clinic")


@pytest.fixture
def provider(clinic):
    return ProviderFactory(organization=clinic)


@pytest.fixture
def grant(db):
    """``grant(guardian, child, provider=..., organization=..., **overrides) -> Consent``
    through the real service (e-signature with the guardian's password)."""
    from consent.services import consent_grant

    def make(guardian, child, provider=None, organization=None, **overrides):
        kwargs = dict(
            actor=guardian.user,
            child_id=child.pk,
            recipient_provider_id=provider.pk if provider else None,
            recipient_organization_id=organization.pk if organization else None,
            purposes=["referral", "care_coordination", "messaging"],
            data_categories=["demographics", "screening_results"],
            expires_on=timezone.now().date() + datetime.timedelta(days=90),
            password=PASSWORD,
        )
        kwargs.update(overrides)
        return consent_grant(**kwargs)

    return make
