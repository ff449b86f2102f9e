"""The consent APIs check a request once, with the serializer they publish in the
schema; what that serializer refuses keeps the code a client already handles, changes
nothing, and is logged like every other refusal."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent, Outcome
from consent.models import Consent
from tests.factories.base import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_guardian(api_client, family):
    guardian, _ = family
    api_client.force_authenticate(guardian.user)
    return api_client


def body(the_child, the_provider, **overrides):
    data = {
        "child": the_child.pk,
        "recipient_provider": the_provider.pk,
        "purposes": ["referral"],
        "data_categories": ["demographics"],
        "expires_on": (timezone.now().date() + datetime.timedelta(days=90)).isoformat(),
        "password": PASSWORD,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    "overrides, status, code",
    [
        ({"child": "not-a-number"}, 404, "not_found"),
        ({"recipient_provider": "someone"}, 400, "unknown_recipient"),
        ({"purposes": "referral,marketing"}, 400, "unknown_purpose"),
        ({"expires_on": "2026-02-30"}, 400, "invalid_expiry"),
        ({"password": None}, 400, "invalid_signature"),
    ],
)
def test_a_malformed_grant_keeps_its_code_and_is_logged(
    as_guardian, family, provider, overrides, status, code
):
    _, child = family
    response = as_guardian.post("/api/v1/consents/", body(child, provider, **overrides), format="json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.json()["field"] == next(iter(overrides))
    assert not Consent.objects.exists()
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED, detail__startswith=f"{code}:").exists()


def test_a_grant_names_the_child_it_was_refused_for(as_guardian, family, provider):
    _, child = family
    response = as_guardian.post(
        "/api/v1/consents/", body(child, provider, purposes=["marketing"]), format="json"
    )
    assert response.status_code == 400
    assert AuditEvent.objects.get(outcome=Outcome.DENIED).child_id == child.pk


def test_a_revocation_reason_longer_than_the_form_allows_is_refused(as_guardian, family, provider, grant):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    response = as_guardian.post(
        f"/api/v1/consents/{consent.pk}/revoke/", {"reason": "x" * 1001}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid_reason")
    consent.refresh_from_db()
    assert consent.revoked_at is None
