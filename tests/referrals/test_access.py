"""Only the referrer, the recipient (while consent covers them) and the child's guardians
see a referral; everyone else gets the same 404 as for a referral that does not exist."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import CareTeamMember
from referrals.models import ReferralUserObjectPermission
from tests.factories.directory import ProviderFactory
from tests.factories.families import GuardianFactory
from tests.factories.referrals import grant, referral_world, send
from tests.referrals.conftest import advance, revoke

pytestmark = pytest.mark.django_db

API_READS = ["/api/v1/referrals/{id}/", "/fhir/ServiceRequest/{id}", "/fhir/Task/{id}"]
API_WRITES = {
    "accept": {},
    "decline": {"decline_reason": "other"},
    "schedule": {"appointment_at": "2030-12-01T10:00:00Z"},
    "complete": {"outcome": "connected"},
    "cancel": {"reason": "x"},
    "reschedule": {"appointment_at": "2030-12-02T10:00:00Z", "reason": "x"},
}


@pytest.fixture
def attackers(world):
    """Outsider provider, another family's guardian, a recipient who declined."""
    declining = ProviderFactory()
    grant(world, declining)
    refused = send(world, to_provider_id=declining.pk)
    advance_as(declining.user, refused)
    return {
        "outsider": ProviderFactory().user,
        "guardian2": GuardianFactory().user,
        "declined_recipient": declining.user,
    }


def advance_as(user, referral):
    from referrals.services import referral_decline

    referral_decline(actor=user, referral_id=referral.pk, decline_reason="no_capacity")


@pytest.mark.parametrize("who", ["outsider", "guardian2", "declined_recipient", "anonymous"])
def test_strangers_get_nothing_from_any_referral_or_case_endpoint(world, attackers, as_user, who):
    referral = advance(world, send(world), "accepted")
    case_id = referral.case_id
    user = None if who == "anonymous" else attackers[who]
    api = as_user(user)
    missing_status = 403 if user is None else 404
    for template in API_READS:
        for target in (referral.pk, 999999):
            response = api.get(template.format(id=target))
            assert response.status_code == missing_status, (template, target)
    for verb, body in API_WRITES.items():
        for target in (referral.pk, 999999):
            response = api.post(f"/api/v1/referrals/{target}/{verb}/", body, format="json")
            assert response.status_code == missing_status, (verb, target)
    for path in (f"/api/v1/cases/{case_id}/", "/api/v1/cases/999999/"):
        assert api.get(path).status_code == missing_status
    if user is not None:
        listed = api.get("/api/v1/referrals/").json()
        assert referral.pk not in [r["id"] for r in listed["results"]]
        assert case_id not in [c["id"] for c in api.get("/api/v1/cases/").json()["results"]]

    web = Client()
    if user is not None:
        web.force_login(user)
    for path in (f"/referrals/{referral.pk}/", f"/cases/{case_id}/", "/referrals/999999/", "/cases/999999/"):
        response = web.get(path)
        assert response.status_code == (302 if user is None else 404), path
    response = web.post(f"/referrals/{referral.pk}/cancel/")
    assert response.status_code == (302 if user is None else 404)
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_the_declined_recipient_lost_access_when_declining(world, as_user):
    referral = send(world)
    as_user(world.recipient.user).post(
        f"/api/v1/referrals/{referral.pk}/decline/", {"decline_reason": "out_of_area"}, format="json"
    )
    # The recipient keeps a stub (what it was, its status), never the child again.
    stub = as_user(world.recipient.user).get(f"/api/v1/referrals/{referral.pk}/").json()
    assert (stub["restricted"], stub["status"], stub["child"], stub["reason"]) == (
        True,
        "declined",
        None,
        None,
    )
    assert stub["actions"] == []
    # The referrer and the family keep the record, with the reason.
    for user in (world.referrer.user, world.guardian.user):
        seen = as_user(user).get(f"/api/v1/referrals/{referral.pk}/").json()
        assert (seen["status"], seen["decline_reason"]) == ("declined", "out_of_area")


def test_revoking_consent_after_sending_cuts_the_recipient_off_at_once(world, as_user):
    referral = send(world)
    recipient = as_user(world.recipient.user)
    assert recipient.get(f"/api/v1/referrals/{referral.pk}/").status_code == 200

    revoke(world, world.consents["recipient"])

    # Nothing about the child any more: a stub (number, status, dates), no action, no FHIR.
    stub = recipient.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert (stub["restricted"], stub["child"], stub["reason"], stub["screenings"]) == (True, None, None, [])
    assert recipient.get(f"/fhir/Task/{referral.pk}").status_code == 404
    refused = recipient.post(f"/api/v1/referrals/{referral.pk}/accept/", {}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "consent_required")
    [row] = recipient.get("/api/v1/referrals/?box=inbox").json()["results"]
    assert (row["id"], row["restricted"], row["child"]) == (referral.pk, True, None)
    assert not ReferralUserObjectPermission.objects.filter(
        user=world.recipient.user, content_object=referral
    ).exists()
    for user in (world.referrer.user, world.guardian.user):
        assert as_user(user).get(f"/api/v1/referrals/{referral.pk}/").status_code == 200


def test_an_expired_consent_hides_the_referral_from_the_recipient_without_any_event(db, as_user):
    world = referral_world(recipient_consent=False)
    today = timezone.now().date()
    grant(world, world.recipient, expires_on=today)
    referral = send(world)
    recipient = as_user(world.recipient.user)
    assert recipient.get("/api/v1/referrals/?box=inbox").json()["count"] == 1
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        assert recipient.get(f"/api/v1/referrals/{referral.pk}/").json()["restricted"] is True
        [row] = recipient.get("/api/v1/referrals/?box=inbox").json()["results"]
        assert (row["restricted"], row["child"]) == (True, None)
        assert as_user(world.referrer.user).get(f"/api/v1/referrals/{referral.pk}/").status_code == 200


def test_a_guardian_added_to_the_family_later_is_not_granted_retroactively(world, as_user):
    # Permissions are granted at sending to the guardians of that moment: a documented choice.
    referral = send(world)
    latecomer = GuardianFactory(family=world.family)
    assert as_user(latecomer.user).get(f"/api/v1/referrals/{referral.pk}/").status_code == 404


def test_every_detail_read_is_audited(world, as_user):
    referral = send(world)
    before = AuditEvent.objects.filter(action="view").count()
    for user in (world.referrer.user, world.recipient.user, world.guardian.user):
        as_user(user).get(f"/api/v1/referrals/{referral.pk}/")
    views = AuditEvent.objects.filter(action="view", object_type="referral", object_id=str(referral.pk))
    assert views.count() - before == 3 * 2  # two categories per read
    assert {v.actor_id for v in views} == {
        world.referrer.user.pk,
        world.recipient.user.pk,
        world.guardian.user.pk,
    }
    assert {v.purpose for v in views} == {"referral"}
    as_user(world.recipient.user).get(f"/fhir/Task/{referral.pk}")
    assert AuditEvent.objects.filter(action="export", object_id=str(referral.pk)).count() == 2


def test_lists_show_each_role_its_own(world, as_user):
    referral = send(world)
    assert as_user(world.referrer.user).get("/api/v1/referrals/?box=outbox").json()["count"] == 1
    assert as_user(world.referrer.user).get("/api/v1/referrals/?box=inbox").json()["count"] == 0
    assert as_user(world.recipient.user).get("/api/v1/referrals/?box=inbox").json()["count"] == 1
    assert as_user(world.guardian.user).get("/api/v1/referrals/").json()["results"][0]["id"] == referral.pk
    assert as_user(world.guardian.user).get("/api/v1/referrals/?box=inbox").json()["count"] == 0
    filtered = as_user(world.recipient.user).get("/api/v1/referrals/?box=inbox&status=accepted").json()
    assert filtered["count"] == 0


@pytest.mark.parametrize(
    "query,parameter", [("box=sideways", "box"), ("status=lost", "status"), ("page_size=x", "page_size")]
)
def test_bad_list_parameters_are_named(world, as_user, query, parameter):
    response = as_user(world.referrer.user).get(f"/api/v1/referrals/?{query}")
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_revocation_ends_care_team_membership(world, as_user, inbox_of, django_capture_on_commit_callbacks):
    referral = advance(world, send(world), "accepted")
    member = CareTeamMember.objects.get(case=referral.case, provider=world.recipient)
    sockets = inbox_of(world.recipient.user.pk)
    with django_capture_on_commit_callbacks(execute=True):
        revoke(world, world.consents["recipient"])
    member.refresh_from_db()
    assert member.left_at is not None and member.left_reason == "consent_revoked"
    events = [e for e in sockets.drain() if e["type"] == "access.changed"]
    assert [(e["change"], e["reason"], e["child_id"]) for e in events] == [
        ("revoked", "consent_revoked", world.child.pk)
    ]
    assert as_user(world.recipient.user).get(f"/api/v1/cases/{referral.case_id}/").status_code == 404


@pytest.mark.parametrize("bad", [0, -1, 2**63, 2**80, "abc", None])
def test_ids_out_of_range_are_simply_not_found(world, bad):
    from cases.policies import access_case
    from referral_hub.errors import NotFound
    from referrals.policies import access_referral

    with pytest.raises(NotFound):
        access_referral(world.referrer.user, bad)
    with pytest.raises(NotFound):
        access_case(world.referrer.user, bad)


def test_huge_ids_in_urls_are_404(world, as_user):
    client = as_user(world.referrer.user)
    assert client.get("/api/v1/referrals/9223372036854775808/").status_code == 404
    assert client.get("/api/v1/cases/9223372036854775808/").status_code == 404
    assert client.get("/fhir/Task/9223372036854775808").status_code == 404
