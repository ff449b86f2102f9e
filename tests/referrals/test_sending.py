"""A pediatrician sends a referral; the consent gate decides whether it may leave."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEvent
from referrals.models import Referral, ReferralEvent, Screening
from tests.factories.directory import ProviderFactory
from tests.factories.referrals import asq_se_2, grant, referral_world

pytestmark = pytest.mark.django_db


def body(world, **extra):
    data = {
        "child": world.child.pk,
        "to_provider": world.recipient.pk,
        "reason": "ASQ:SE-2 above cutoff at 18 months.",
        "urgency": "soon",
        "concern_type": "social_emotional",
        "screenings": [asq_se_2()],
    }
    data.update(extra)
    return data


def test_referrer_sends_a_referral_with_a_screening_and_due_dates(
    world, as_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.referrer.user).post("/api/v1/referrals/", body(world), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    referral = Referral.objects.get(pk=data["id"])
    assert data["status"] == "sent"
    assert data["data_categories"] == ["demographics", "screening_results"]
    assert data["screenings"][0]["result"] == {"cutoff": 65, "above_cutoff": True}
    # "soon": shorter than routine's Part C 7 / 45 days (referrals/targets.py).
    assert referral.contact_due_at - referral.sent_at == datetime.timedelta(days=3)
    assert referral.appointment_due_at - referral.sent_at == datetime.timedelta(days=14)
    assert [e["to_status"] for e in data["timeline"]] == ["sent"]
    assert response["Location"] == f"/api/v1/referrals/{referral.pk}/"
    # The disclosure is logged per category, with the consent that allowed it.
    rows = AuditEvent.objects.filter(object_type="referral", object_id=str(referral.pk), action="disclose")
    assert {r.data_category for r in rows} == {"demographics", "screening_results"}
    assert {r.consent_id for r in rows} == {world.consents["recipient"].pk}
    # The emails are a link only: no child's name. One to the recipient, one to the
    # family (issue 25: families hear of referrals made for their child).
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {world.recipient.user.email, world.guardian.user.email}
    assert f"/referrals/{referral.pk}/" in by_address[world.recipient.user.email].body
    assert "/portal/referrals/" in by_address[world.guardian.user.email].body
    for sent in mail.outbox:
        assert world.child.first_name not in sent.body + sent.subject


def test_recipient_without_an_account_cannot_receive(world, as_user):
    listing_only = ProviderFactory(user=None)
    grant(world, listing_only)
    response = as_user(world.referrer.user).post(
        "/api/v1/referrals/", body(world, to_provider=listing_only.pk), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "recipient_has_no_account"
    assert not Referral.objects.exists()


def test_a_guardian_cannot_send_referrals(world, as_user):
    response = as_user(world.guardian.user).post("/api/v1/referrals/", body(world), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_a_provider"


def test_referring_to_yourself_is_refused(world, as_user):
    response = as_user(world.referrer.user).post(
        "/api/v1/referrals/", body(world, to_provider=world.referrer.pk), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_recipient"


@pytest.mark.parametrize(
    "field,value",
    [
        ("reason", ""),
        ("urgency", "whenever"),
        ("concern_type", "astrology"),
        ("to_provider", 999999),
        ("to_provider", 2**63),
        ("child", 2**64),
        ("child", 0),
    ],
)
def test_bad_fields_are_named(world, as_user, field, value):
    response = as_user(world.referrer.user).post(
        "/api/v1/referrals/", body(world, **{field: value}), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["detail"]


def test_out_of_range_screening_is_refused_naming_the_field(world, as_user):
    bad = {**asq_se_2(), "total": 401}
    response = as_user(world.referrer.user).post(
        "/api/v1/referrals/", body(world, screenings=[bad]), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_screening"
    assert response.json()["field"] == "screenings[0].total"
    assert not Referral.objects.exists()


# --- the consent gate -----------------------------------------------------------------------


def _assert_refused(response, world):
    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "consent_required"
    assert not Referral.objects.exists()
    assert not Screening.objects.exists()
    assert not ReferralEvent.objects.exists()
    denied = AuditEvent.objects.filter(outcome="denied", purpose="referral")
    assert denied.count() == 1


def test_no_consent_for_the_recipient_refuses_and_audits(db, as_user):
    world = referral_world(recipient_consent=False)
    response = as_user(world.referrer.user).post("/api/v1/referrals/", body(world), format="json")
    _assert_refused(response, world)
    assert AuditEvent.objects.get(outcome="denied").child_id == world.child.pk


def test_consent_for_another_purpose_is_not_enough(db, as_user):
    world = referral_world(recipient_consent=False)
    grant(world, world.recipient, purposes=("messaging", "care_coordination"))
    _assert_refused(
        as_user(world.referrer.user).post("/api/v1/referrals/", body(world), format="json"), world
    )


def test_a_missing_data_category_refuses_the_whole_referral(db, as_user):
    world = referral_world(recipient_consent=False)
    grant(world, world.recipient, categories=("demographics",))  # no screening_results
    response = as_user(world.referrer.user).post("/api/v1/referrals/", body(world), format="json")
    _assert_refused(response, world)
    assert response.json()["data_categories"] == ["demographics", "screening_results"]
    # Without the screening the same consent suffices.
    ok = as_user(world.referrer.user).post("/api/v1/referrals/", body(world, screenings=[]), format="json")
    assert ok.status_code == 201


def test_epds_needs_the_caregiver_screening_category(world, as_user):
    epds = {"instrument": "epds", "administered_on": "2026-11-01", "total": 14, "item_10": 1}
    refused = as_user(world.referrer.user).post(
        "/api/v1/referrals/", body(world, screenings=[epds]), format="json"
    )
    assert refused.status_code == 403
    assert "caregiver_screening" in refused.json()["data_categories"]
    grant(world, world.recipient, categories=("demographics", "caregiver_screening"))
    sent = as_user(world.referrer.user).post(
        "/api/v1/referrals/", body(world, screenings=[epds]), format="json"
    )
    assert sent.status_code == 201
    assert sent.json()["screenings"][0]["result"]["self_harm_flag"] is True


def test_an_expired_consent_does_not_cover(db, as_user):
    world = referral_world(recipient_consent=False)
    grant(world, world.recipient, expires_on=timezone.now().date() - datetime.timedelta(days=1))
    _assert_refused(
        as_user(world.referrer.user).post("/api/v1/referrals/", body(world), format="json"), world
    )


def test_a_revoked_consent_does_not_cover(db, as_user):
    world = referral_world(recipient_consent=False)
    grant(world, world.recipient, revoked_at=timezone.now() - datetime.timedelta(minutes=1))
    _assert_refused(
        as_user(world.referrer.user).post("/api/v1/referrals/", body(world), format="json"), world
    )


def test_an_organization_consent_covers_its_providers(db, as_user):
    world = referral_world(recipient_consent=False)
    from tests.factories.consent import ConsentFactory, scope

    ConsentFactory(
        child=world.child,
        granted_by=world.guardian,
        recipient_organization=world.recipient.organization,
        **scope(("referral",), ("demographics", "screening_results")),
    )
    response = as_user(world.referrer.user).post("/api/v1/referrals/", body(world), format="json")
    assert response.status_code == 201


def test_a_provider_not_covered_for_the_child_cannot_refer_it(world, as_user):
    stranger = ProviderFactory()
    response = as_user(stranger.user).post("/api/v1/referrals/", body(world), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "consent_required"
    # The same answer for a child that does not exist: ids leak nothing.
    missing = as_user(stranger.user).post("/api/v1/referrals/", body(world, child=987654), format="json")
    assert missing.status_code == 403
    assert missing.json() == response.json()


# --- idempotency ---------------------------------------------------------------------------


def test_replaying_an_idempotency_key_returns_the_first_result(world, as_user):
    client = as_user(world.referrer.user)
    first = client.post("/api/v1/referrals/", body(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/referrals/", body(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Referral.objects.count() == 1
    assert ReferralEvent.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(world, as_user):
    client = as_user(world.referrer.user)
    client.post("/api/v1/referrals/", body(world), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = client.post(
        "/api/v1/referrals/", body(world, reason="Something else"), format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Referral.objects.count() == 1


def test_keys_are_scoped_to_the_sender(world, as_user):
    other_referrer = ProviderFactory()
    grant(world, other_referrer)
    as_user(world.referrer.user).post(
        "/api/v1/referrals/", body(world), format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    second = as_user(other_referrer.user).post(
        "/api/v1/referrals/", body(world), format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert second.status_code == 201
    assert Referral.objects.count() == 2


def test_without_a_key_each_post_creates(world, as_user):
    client = as_user(world.referrer.user)
    client.post("/api/v1/referrals/", body(world), format="json")
    client.post("/api/v1/referrals/", body(world), format="json")
    assert Referral.objects.count() == 2
