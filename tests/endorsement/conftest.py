from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from directory.models import EndorsementCategory as C
from endorsement.services import rules_ensure_default
from tests.factories.base import UserFactory
from tests.factories.directory import EndorsementFactory, ProviderFactory

TODAY = timezone.localdate


def days_ago(n: int) -> str:
    return (TODAY() - datetime.timedelta(days=n)).isoformat()


def as_user(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture(autouse=True)
def _default_rules(db):
    """Migration 0002 ships the default rules; a transactional test elsewhere may have
    flushed them."""
    rules_ensure_default()


@pytest.fixture
def applicant():
    return ProviderFactory(name="Avery Applicant", discipline="home_visitor")


@pytest.fixture
def consultant():
    """An IMH Specialist: may give RSC under the default rules."""
    return EndorsementFactory(category=C.INFANT_MENTAL_HEALTH_SPECIALIST).provider


@pytest.fixture
def reviewers():
    group, _ = Group.objects.get_or_create(name="reviewer")
    people = []
    for category in (C.INFANT_MENTAL_HEALTH_MENTOR_CLINICAL, C.INFANT_MENTAL_HEALTH_SPECIALIST):
        provider = EndorsementFactory(category=category).provider
        provider.user.groups.add(group)
        people.append(provider.user)
    return people


@pytest.fixture
def curator():
    return UserFactory(username="curator-x", is_staff=True)


def log_enough_for_family_specialist(client: APIClient, consultant_id: int) -> None:
    """30 training hours over two days and 24 RSC hours from one consultant."""
    for day, hours in ((40, "15"), (41, "15")):
        response = client.post(
            "/api/v1/endorsement/training/",
            {
                "title": "IMH foundations",
                "completed_on": days_ago(day),
                "hours": hours,
                "domains": ["reflection"],
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
    response = client.post(
        "/api/v1/endorsement/rsc/",
        {"consultant": consultant_id, "started_on": days_ago(300), "ended_on": days_ago(5), "hours": "24"},
        format="json",
    )
    assert response.status_code == 201, response.json()


def reference_links() -> list[str]:
    found = (re.search(r"(/references/[^/\s]+/)", m.body) for m in mail.outbox)
    return [match.group(1) for match in found if match]


def requirement(body: dict, rule: str) -> dict:
    return next(r for r in body["requirements"] if r["rule"] == rule)


RATINGS = {
    "ratings": {"reflection": 5, "working_with_others": 4},
    "recommend": True,
    "comments": "Thoughtful.",
}
HOURS = Decimal
