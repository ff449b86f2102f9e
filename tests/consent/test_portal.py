"""The family portal and the provider's view, as people use them."""

from __future__ import annotations

import datetime

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from consent.models import Consent, SignatureMethod
from consent.services import consent_attest, consent_revoke
from referral_hub.errors import ApplicationError
from referral_hub.realtime import user_group
from tests.factories.base import PASSWORD
from tests.factories.directory import ProviderFactory
from tests.factories.families import ChildFactory

pytestmark = pytest.mark.django_db


def scope(provider, **extra):
    data = {
        "recipient_provider": provider.pk,
        "purposes": ["referral"],
        "data_categories": ["demographics", "screening_results"],
        "expires_on": (timezone.now().date() + datetime.timedelta(days=60)).isoformat(),
    }
    data.update(extra)
    return data


def test_a_guardian_finds_a_provider_reads_the_authorization_and_signs(client, family):
    guardian, child = family
    teacher = ProviderFactory(name="Jordan Ellis", discipline="early_childhood_educator")
    client.force_login(guardian.user)
    share = f"/portal/children/{child.pk}/share/"
    found = client.get(share, {"q": "ellis"})
    assert "Jordan Ellis" in found.content.decode()
    review = client.post(share, {**scope(teacher), "step": "scope"})
    assert review.status_code == 200
    text = review.content.decode()
    for element in ("What will be shared", "Who may share it", "Who will receive it", "Why", "Until when"):
        assert element in text
    assert "Education records (FERPA)" in text, "an educator recipient adds the FERPA elements"

    wrong = client.post(share, {**scope(teacher), "step": "sign", "text_version": "x", "password": "nope"})
    assert wrong.status_code == 400
    assert not Consent.objects.exists()

    from consent.texts import TEXT_VERSION

    signed = client.post(
        share, {**scope(teacher), "step": "sign", "text_version": TEXT_VERSION, "password": PASSWORD}
    )
    assert signed.status_code == 302
    consent = Consent.objects.get()
    assert (consent.recipient_provider, consent.purposes) == (teacher, ["referral"])
    page = client.get(f"/portal/children/{child.pk}/").content.decode()
    assert "Jordan Ellis may see" in page and "Given: consent for" in page


def test_an_expiry_beyond_a_year_is_refused_on_the_form(client, family, provider):
    guardian, child = family
    client.force_login(guardian.user)
    late = (timezone.now().date() + datetime.timedelta(days=400)).isoformat()
    response = client.post(
        f"/portal/children/{child.pk}/share/", {**scope(provider, expires_on=late), "step": "scope"}
    )
    assert response.status_code == 400
    assert "at most one year" in response.content.decode()


def test_revoking_from_the_portal(client, family, provider, grant):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    client.force_login(guardian.user)
    confirm = client.get(f"/portal/consents/{consent.pk}/revoke/")
    assert "Revoke this consent?" in confirm.content.decode()
    done = client.post(f"/portal/consents/{consent.pk}/revoke/", {"reason": "moving"})
    assert done.status_code == 302
    consent.refresh_from_db()
    assert consent.status == "revoked" and consent.revoke_reason == "moving"


def test_the_provider_sees_covered_children_with_what_and_until_when(
    client, family, provider, grant, django_assert_max_num_queries
):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    for _ in range(4):
        grant(guardian, ChildFactory(family=guardian.family), provider=provider)
    client.force_login(provider.user)
    # 14 for the page, plus the navigation's two badge counts (waiting referrals, unread),
    # plus PostgreSQL's advisory lock on the audit chains (SQLite locks the file instead).
    with django_assert_max_num_queries(17):
        page = client.get("/portal/provider/")
    text = page.content.decode()
    assert child.name in text and consent.expires_on.isoformat() in text
    consent_revoke(actor=guardian.user, consent_id=consent.pk, reason="")
    assert child.name not in client.get("/portal/provider/").content.decode()


def test_the_family_portal_costs_a_constant_number_of_queries(
    client, family, provider, grant, django_assert_max_num_queries
):
    guardian, child = family
    for _ in range(5):
        grant(guardian, ChildFactory(family=guardian.family), provider=provider)
    client.force_login(guardian.user)
    # 14, plus one for providers' open requests to share, one for the family's own
    # requests for help and one for its places in groups (the three portal panels), plus
    # one for the family's children when
    # the audit rows decide "own visit" at write time (once per request); none grows with
    # the children. One more on PostgreSQL: the advisory lock on the audit chains (SQLite
    # locks the file instead).
    with django_assert_max_num_queries(19):
        assert client.get("/portal/").status_code == 200


@pytest.fixture
def in_process_layer(settings):
    """These tests read the layer from synchronous code, one event loop per call; the
    Redis pub/sub layer only delivers to channels of the loop that created them. The
    in-memory layer (the embedded default) shows what the service emits; delivery across
    processes over Redis is covered by tests/e2e/test_chat_scale_out.py."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def test_revocation_tells_the_providers_open_sockets(
    family, provider, grant, django_capture_on_commit_callbacks, in_process_layer
):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(provider.user.pk), channel)
    with django_capture_on_commit_callbacks(execute=True):
        consent_revoke(actor=guardian.user, consent_id=consent.pk, reason="")
    event = async_to_sync(layer.receive)(channel)
    assert event == {
        "type": "access.changed",
        "change": "revoked",
        "reason": "consent_revoked",
        "child_id": child.pk,
        "consent_id": consent.pk,
        "case_id": None,
        "referral_id": None,
    }


def test_organization_revocation_reaches_every_current_member(
    family, clinic, grant, django_capture_on_commit_callbacks, in_process_layer
):
    guardian, child = family
    members = [ProviderFactory(organization=clinic) for _ in range(2)]
    consent = grant(guardian, child, organization=clinic)
    layer = get_channel_layer()
    channels = []
    for member in members:
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(user_group(member.user.pk), channel)
        channels.append(channel)
    with django_capture_on_commit_callbacks(execute=True):
        consent_revoke(actor=guardian.user, consent_id=consent.pk, reason="")
    for channel in channels:
        assert async_to_sync(layer.receive)(channel)["consent_id"] == consent.pk


def test_a_provider_attests_a_paper_consent_only_for_a_family_they_invited(api_client, family):
    from families.services import invitation_create

    guardian, child = family
    provider = ProviderFactory()
    with pytest.raises(ApplicationError) as refused:
        consent_attest(
            actor=provider.user,
            child_id=child.pk,
            guardian_id=guardian.pk,
            signature_method=SignatureMethod.PROVIDER_ATTESTED_PAPER,
            purposes=["referral"],
            data_categories=["demographics"],
            expires_on=timezone.now().date() + datetime.timedelta(days=30),
            paper_form_reference="SCAN-1",
        )
    assert refused.value.code == "not_found"
    invitation, _ = invitation_create(
        actor=provider.user,
        family_name="",
        guardian_email="new@example.test",
        child_first_name="Noa",
        child_last_name="Lind",
        child_date_of_birth=datetime.date(2025, 5, 5),
    )
    from tests.factories.families import GuardianFactory

    new_guardian = GuardianFactory(family=invitation.family)
    base = dict(
        actor=provider.user,
        child_id=invitation.child_id,
        guardian_id=new_guardian.pk,
        signature_method=SignatureMethod.PROVIDER_ATTESTED_PAPER,
        purposes=["referral"],
        data_categories=["demographics"],
        expires_on=timezone.now().date() + datetime.timedelta(days=30),
    )
    with pytest.raises(ApplicationError) as missing:
        consent_attest(**base, paper_form_reference="")
    assert missing.value.code == "form_reference_required"
    consent = consent_attest(**base, paper_form_reference="SCAN-2026-0042")
    assert (consent.attested_by, consent.paper_form_reference) == (provider, "SCAN-2026-0042")
    api_client.force_authenticate(provider.user)
    assert api_client.get(f"/api/v1/children/{invitation.child_id}/").status_code == 200
