from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories.referrals import referral_world


@pytest.fixture
def world(db):
    return referral_world()


@pytest.fixture
def as_user():
    """``as_user(user) -> APIClient`` signed in as ``user`` (``None``: anonymous)."""

    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
