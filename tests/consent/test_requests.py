"""Consent requests over the API: a covered provider asks the family to share with another
provider; the guardian lists, signs (a real e-signature) or declines; the asker hears the
answer; refusals are clear and change nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from audit.models import AuditEvent
from consent.models import Consent, ConsentRequest
from consent.policies import may_access
from families.models import Relationship
from outbox.models import OutboxMessage
from people.models import AccountSettings
from tests.factories.base import PASSWORD
from tests.factories.directory import ProviderFactory
from tests.factories.families import ChildFactory, GuardianFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(family, grant):
    guardian, child = family
    child.first_name, child.last_name = "Zinnia", "Quillfeather"  # unmistakable in any text
    child.save()
    asker = ProviderFactory(name="Dr. Asking Pediatrician", discipline="pediatrician")
    target = ProviderFactory(name="Sam Speech", discipline="speech_language_pathologist")
    grant(guardian, child, provider=asker)
    return guardian, child, asker, target


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def ask(user, child, target, **overrides):
    body = {
        "child": child.pk,
        "provider": target.pk,
        "purposes": ["referral", "care_coordination"],
        "data_categories": ["demographics", "screening_results"],
        "note": "For a speech evaluation.",
        **overrides,
    }
    return client_for(user).post("/api/v1/consent-requests/", body, format="json")


def test_provider_asks_and_the_guardian_gets_a_portal_notice_and_a_link_only_mail(
    world, django_capture_on_commit_callbacks
):
    guardian, child, asker, target = world
    AccountSettings.objects.create(user=guardian.user, preferred_language="es")
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(asker.user, child, target)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "pending"
    assert data["provider"]["name"] == "Sam Speech"
    assert data["requested_by"]["name"] == "Dr. Asking Pediatrician"
    assert data["purposes"] == ["referral", "care_coordination"]

    notice = OutboxMessage.objects.get(kind="consent_request.created", channel="in_app")
    assert notice.recipient_id == guardian.user.pk and notice.language == "es"
    assert notice.payload["url"] == f"/portal/consent-requests/{data['id']}/"
    mail = OutboxMessage.objects.get(kind="consent_request.created", channel="email")
    assert mail.to_address == guardian.user.email and mail.language == "es"
    assert mail.subject == "Un proveedor le pide compartir información"
    assert f"/portal/consent-requests/{data['id']}/" in mail.body
    for private in (child.first_name, child.last_name, "speech evaluation", target.name):
        assert private not in mail.body and private not in mail.subject

    # The guardian sees it; the asker sees the ones they made; the target sees nothing.
    assert [
        r["id"] for r in client_for(guardian.user).get("/api/v1/consent-requests/").json()["results"]
    ] == [data["id"]]
    assert [r["id"] for r in client_for(asker.user).get("/api/v1/consent-requests/").json()["results"]] == [
        data["id"]
    ]
    assert client_for(target.user).get("/api/v1/consent-requests/").json()["results"] == []
    assert client_for(None).get("/api/v1/consent-requests/").status_code == 403


def test_asking_twice_or_for_someone_already_covered_is_a_clear_409(world, grant):
    guardian, child, asker, target = world
    assert ask(asker.user, child, target).status_code == 201
    again = ask(asker.user, child, target, note="again")
    assert again.status_code == 409 and again.json()["code"] == "consent_request_pending"
    covered = ProviderFactory()
    grant(guardian, child, provider=covered)
    response = ask(asker.user, child, covered, purposes=["referral"], data_categories=["demographics"])
    assert response.status_code == 409 and response.json()["code"] == "already_covered"
    assert ConsentRequest.objects.count() == 1


@pytest.mark.parametrize(
    "who, overrides, status, code",
    [
        ("guardian", {}, 403, "provider_only"),
        ("stranger", {}, 404, "not_found"),
        ("asker", {"provider": "self"}, 400, "recipient_is_requester"),
        ("asker", {"provider": 999_999}, 400, "unknown_recipient"),
        ("asker", {"purposes": ["selling"]}, 400, "unknown_purpose"),
        ("asker", {"data_categories": []}, 400, "data_categories_required"),
        ("asker", {"child": "other_family"}, 404, "not_found"),
    ],
)
def test_who_may_ask_and_what_is_refused(world, who, overrides, status, code):
    guardian, child, asker, target = world
    users = {"guardian": guardian.user, "stranger": ProviderFactory().user, "asker": asker.user}
    if overrides.get("provider") == "self":
        overrides["provider"] = asker.pk
    if overrides.pop("child", None) == "other_family":
        child = ChildFactory()
    response = ask(users[who], child, target, **overrides)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert ConsentRequest.objects.count() == 0
    assert AuditEvent.objects.filter(object_type="consent_request", outcome="denied").count() == 1


def _pending(world) -> int:
    _, child, asker, target = world
    return ask(asker.user, child, target).json()["id"]


def test_guardian_signs_with_the_password_and_the_asker_is_told_in_their_language(
    world, django_capture_on_commit_callbacks
):
    guardian, child, asker, target = world
    AccountSettings.objects.create(user=asker.user, preferred_language="es")
    request_id = _pending(world)
    url = f"/api/v1/consent-requests/{request_id}/sign/"

    wrong = client_for(guardian.user).post(url, {"password": "not-my-password"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_signature"
    assert ConsentRequest.objects.get(pk=request_id).status == "pending"
    assert not Consent.objects.filter(recipient_provider=target).exists()
    assert AuditEvent.objects.filter(
        object_type="consent_request", outcome="denied", child_id=child.pk
    ).exists()

    with django_capture_on_commit_callbacks(execute=True):
        signed = client_for(guardian.user).post(url, {"password": PASSWORD}, format="json")
    assert signed.status_code == 200, signed.json()
    assert signed.json()["status"] == "signed"
    consent = Consent.objects.get(pk=signed.json()["consent"])
    assert consent.recipient_provider == target and consent.granted_by == guardian
    assert consent.purposes == ["referral", "care_coordination"]
    assert consent.data_categories == ["demographics", "screening_results"]
    assert may_access(provider=target, child_id=child.pk, purpose="referral", categories=["demographics"])

    told = OutboxMessage.objects.get(kind="consent_request.answered", channel="in_app")
    assert told.recipient_id == asker.user.pk and told.payload["status"] == "signed"
    assert "firmó" in told.payload["label"] and "Sam Speech" in told.payload["label"]
    mail = OutboxMessage.objects.get(kind="consent_request.answered", channel="email")
    assert mail.to_address == asker.user.email and mail.language == "es"
    assert child.first_name not in mail.body

    twice = client_for(guardian.user).post(url, {"password": PASSWORD}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "request_answered"
    assert Consent.objects.filter(recipient_provider=target).count() == 1


def test_guardian_declines_and_nothing_is_shared(world, django_capture_on_commit_callbacks):
    guardian, child, asker, target = world
    request_id = _pending(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(guardian.user).post(
            f"/api/v1/consent-requests/{request_id}/decline/", {"reason": "Not now"}, format="json"
        )
    assert response.status_code == 200 and response.json()["status"] == "declined"
    assert not Consent.objects.filter(recipient_provider=target).exists()
    told = OutboxMessage.objects.get(kind="consent_request.answered", channel="in_app")
    assert told.recipient_id == asker.user.pk and told.payload["status"] == "declined"
    assert "Not now" not in told.payload["label"]
    again = client_for(guardian.user).post(
        f"/api/v1/consent-requests/{request_id}/decline/", {}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "request_answered"


def test_only_the_childs_guardians_may_answer(world):
    guardian, child, asker, target = world
    request_id = _pending(world)
    other_guardian = GuardianFactory()
    cases = [
        (other_guardian.user, 404, "not_found"),
        (asker.user, 403, "guardian_only"),
        (target.user, 403, "guardian_only"),
    ]
    for user, status, code in cases:
        for verb, body in (("sign", {"password": PASSWORD}), ("decline", {})):
            response = client_for(user).post(
                f"/api/v1/consent-requests/{request_id}/{verb}/", body, format="json"
            )
            assert (response.status_code, response.json()["code"]) == (status, code), (user, verb)
    assert client_for(None).post(f"/api/v1/consent-requests/{request_id}/decline/").status_code == 403
    assert client_for(other_guardian.user).get("/api/v1/consent-requests/").json()["results"] == []
    assert ConsentRequest.objects.get(pk=request_id).status == "pending"


def test_list_costs_constant_queries(world, grant, django_assert_max_num_queries):
    guardian, child, asker, _target = world
    for _ in range(6):
        ask(asker.user, child, ProviderFactory())
    client = client_for(guardian.user)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/consent-requests/")
    assert response.json()["count"] == 6


def test_after_revocation_the_asker_sees_a_stub_of_their_request_and_the_read_is_logged_as_denied(world):
    """Issue 23, finding 1: the guardian revoked the asker's consent; the child's page is
    404 for them, and their consent-request list no longer names the child, repeats the
    note or the scope; the family's log does not record it as an allowed read."""
    from consent.services import consent_revoke

    guardian, child, asker, target = world
    request_id = ask(asker.user, child, target).json()["id"]
    consent = Consent.objects.get(child=child, recipient_provider=asker)
    consent_revoke(actor=guardian.user, consent_id=consent.pk, reason="changed my mind")
    assert client_for(asker.user).get(f"/api/v1/children/{child.pk}/").status_code == 404

    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    response = client_for(asker.user).get("/api/v1/consent-requests/")
    assert response.status_code == 200
    body = response.content.decode()
    for private in (child.first_name, child.last_name, "speech evaluation", "screening_results"):
        assert private not in body
    [row] = response.json()["results"]
    assert row["id"] == request_id and row["restricted"] is True
    assert (row["child"], row["child_name"], row["note"]) == (None, None, None)
    assert (row["purposes"], row["data_categories"]) == ([], [])
    assert row["status"] == "pending" and row["provider"]["name"] == "Sam Speech"
    logged = AuditEvent.objects.filter(id__gt=before, actor=asker.user, child=child)
    assert list(logged.values_list("outcome", flat=True)) == ["denied"]

    # The family still sees everything about its own child's request.
    [mine] = client_for(guardian.user).get("/api/v1/consent-requests/").json()["results"]
    assert mine["child_name"] == child.name and mine["note"] == "For a speech evaluation."
    assert mine["restricted"] is False


def test_a_guardian_without_legal_authority_can_neither_sign_nor_decline(world, client):
    guardian, child, asker, target = world
    request_id = _pending(world)
    helper = GuardianFactory(family=guardian.family, relationship=Relationship.GRANDPARENT)
    api = client_for(helper.user)
    for verb, body in (("sign", {"password": PASSWORD}), ("decline", {"reason": "No"})):
        response = api.post(f"/api/v1/consent-requests/{request_id}/{verb}/", body, format="json")
        assert (response.status_code, response.json().get("code")) == (403, "no_legal_authority"), (
            verb,
            response.json(),
        )
    client.force_login(helper.user)
    page = client.post(f"/portal/consent-requests/{request_id}/", {"action": "decline", "reason": "No"})
    assert "Only a guardian with legal authority" in page.content.decode()
    assert ConsentRequest.objects.get(pk=request_id).status == "pending"
    assert not OutboxMessage.objects.filter(kind="consent_request.answered").exists()
    assert (
        AuditEvent.objects.filter(
            object_type="consent_request", outcome="denied", actor=helper.user, child_id=child.pk
        ).count()
        == 3
    )
