"""Issue 8, finding 2: the inviting provider could undo the guardian's revocation by
attesting a verbal consent again, for the child and for a sibling added later.

Now: after a guardian revokes, a provider attestation for that family and recipient is
refused (409 ``guardian_revoked``) until a guardian grants again in the portal; every
attestation needs the signed form's reference, and the guardians are told (in the app
and by e-mail) each time one is recorded in their name."""

from __future__ import annotations

import datetime

import pytest
from asgiref.sync import async_to_sync
from django.core import mail
from rest_framework.test import APIClient

from consent.models import Consent
from families.services import invitation_create
from referral_hub.realtime import user_group
from tests.factories.base import PASSWORD
from tests.factories.directory import ProviderFactory
from tests.factories.families import GuardianFactory

pytestmark = pytest.mark.django_db


def in_days(n: int) -> str:
    return (datetime.date.today() + datetime.timedelta(days=n)).isoformat()


def client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    from channels.layers import channel_layers, get_channel_layer

    channel_layers.backends.clear()
    yield get_channel_layer()
    channel_layers.backends.clear()


def notices(layer, channel: str) -> list[dict]:  # type: ignore[no-untyped-def]
    import asyncio

    async def collect() -> list[dict]:
        got = []
        while True:
            try:
                got.append(await asyncio.wait_for(layer.receive(channel), timeout=0.05))
            except TimeoutError:
                return got

    return async_to_sync(collect)()


@pytest.fixture
def invited():
    """A home visitor recorded a first contact: the family and child exist, the
    guardian set a password."""
    visitor = ProviderFactory(discipline="home_visitor")
    invitation, _ = invitation_create(
        actor=visitor.user,
        family_name="",
        guardian_email="parent@example.test",
        child_first_name="Noa",
        child_last_name="Lind",
        child_date_of_birth=datetime.date(2025, 5, 5),
    )
    guardian = GuardianFactory(family=invitation.family)
    return visitor, guardian, invitation.child


def attest(visitor, guardian, child_id, **overrides):  # type: ignore[no-untyped-def]
    body = {
        "child": child_id,
        "guardian": guardian.pk,
        "signature_method": "provider_attested_verbal",
        "paper_form_reference": "FORM-2026-0107",
        "purposes": ["referral"],
        "data_categories": ["demographics"],
        "expires_on": in_days(60),
        **overrides,
    }
    return client_for(visitor.user).post("/api/v1/consents/attested/", body, format="json")


def test_an_attestation_needs_the_form_reference_and_the_guardian_is_told(
    invited, layer, django_capture_on_commit_callbacks
):
    visitor, guardian, child = invited
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(guardian.user_id), channel)

    missing = attest(visitor, guardian, child.pk, paper_form_reference="")
    assert (missing.status_code, missing.json()["code"]) == (400, "form_reference_required")
    with django_capture_on_commit_callbacks(execute=True):
        created = attest(visitor, guardian, child.pk)
    assert created.status_code == 201, created.json()

    heard = [e for e in notices(layer, channel) if e.get("kind") == "consent.attested"]
    assert [e["payload"]["consent_id"] for e in heard] == [created.json()["id"]]
    assert [m.to for m in mail.outbox if "consent was recorded" in m.subject] == [[guardian.user.email]]
    letter = next(m for m in mail.outbox if "consent was recorded" in m.subject)
    assert f"/portal/children/{child.pk}/" in letter.body and "Noa" not in letter.body


def test_after_the_guardian_revokes_the_provider_cannot_attest_access_back(invited):
    visitor, guardian, child = invited
    first = attest(visitor, guardian, child.pk)
    assert first.status_code == 201
    visitor_api = client_for(visitor.user)
    assert visitor_api.get(f"/api/v1/children/{child.pk}/").status_code == 200

    revoked = client_for(guardian.user).post(
        f"/api/v1/consents/{first.json()['id']}/revoke/", {"reason": "Not any more."}, format="json"
    )
    assert revoked.status_code == 200

    again = attest(visitor, guardian, child.pk, signature_method="provider_attested_paper")
    assert (again.status_code, again.json()["code"]) == (409, "guardian_revoked")
    assert visitor_api.get(f"/api/v1/children/{child.pk}/").status_code == 404
    assert Consent.objects.active().filter(child=child).count() == 0

    # A sibling the guardian adds later does not open a side door.
    sibling = client_for(guardian.user).post(
        "/api/v1/children/",
        {"first_name": "Eli", "last_name": "Lind", "date_of_birth": "2026-03-01"},
        format="json",
    )
    assert sibling.status_code == 201, sibling.json()
    side_door = attest(visitor, guardian, sibling.json()["id"])
    assert (side_door.status_code, side_door.json()["code"]) == (409, "guardian_revoked")
    assert visitor_api.get(f"/api/v1/children/{sibling.json()['id']}/").status_code == 404


def test_once_the_guardian_grants_again_attestations_work_again(invited):
    visitor, guardian, child = invited
    first = attest(visitor, guardian, child.pk)
    guardian_api = client_for(guardian.user)
    guardian_api.post(f"/api/v1/consents/{first.json()['id']}/revoke/", {}, format="json")
    assert attest(visitor, guardian, child.pk).status_code == 409

    signed = guardian_api.post(
        "/api/v1/consents/",
        {
            "child": child.pk,
            "recipient_provider": visitor.pk,
            "purposes": ["referral"],
            "data_categories": ["demographics"],
            "expires_on": in_days(30),
            "password": PASSWORD,
        },
        format="json",
    )
    assert signed.status_code == 201, signed.json()
    assert attest(visitor, guardian, child.pk, expires_on=in_days(90)).status_code == 201
