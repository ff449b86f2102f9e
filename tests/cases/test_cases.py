"""A case per child gathers the care team: accepting a referral (with consent for care
coordination) brings the recipient and the referrer onto it; guardians see the team."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.db.models import IntegerField, Value
from django.utils import timezone

from cases.extensions import case_annotators
from cases.models import CareTeamMember, Case
from tests.factories.directory import ProviderFactory
from tests.factories.referrals import grant, referral_world, send
from tests.referrals.conftest import advance

pytestmark = pytest.mark.django_db


def team(client, case_id):
    response = client.get(f"/api/v1/cases/{case_id}/")
    assert response.status_code == 200, response.json()
    return {(m["provider"]["id"], m["role"]) for m in response.json()["care_team"]}


def test_accepting_brings_recipient_and_referrer_onto_the_team(world, as_user):
    referral = send(world)
    assert Case.objects.get(child=world.child).pk == referral.case_id
    assert not CareTeamMember.objects.exists()  # sending alone does not make a team
    advance(world, referral, "accepted")
    expected = {(world.recipient.pk, "recipient"), (world.referrer.pk, "referrer")}
    for user in (world.guardian.user, world.recipient.user, world.referrer.user):
        assert team(as_user(user), referral.case_id) == expected


def test_without_care_coordination_consent_the_recipient_does_not_join(db, as_user):
    world = referral_world(recipient_scope={"purposes": ("referral",)})
    referral = advance(world, send(world), "accepted")
    assert team(as_user(world.guardian.user), referral.case_id) == {(world.referrer.pk, "referrer")}
    assert as_user(world.recipient.user).get(f"/api/v1/cases/{referral.case_id}/").status_code == 404


def test_accepting_twice_for_the_same_child_keeps_one_membership(world):
    advance(world, send(world), "accepted")
    advance(world, send(world), "accepted")
    assert CareTeamMember.objects.filter(provider=world.recipient, left_at__isnull=True).count() == 1


def test_case_list_shows_the_team_and_an_unread_count(world, as_user):
    referral = advance(world, send(world), "accepted")
    listed = as_user(world.recipient.user).get("/api/v1/cases/").json()
    assert listed["count"] == 1
    case = listed["results"][0]
    assert case["id"] == referral.case_id
    assert case["child"]["id"] == world.child.pk
    assert isinstance(case["unread_count"], int)
    assert len(case["care_team"]) == 2


def test_case_annotators_feed_the_output(world, as_user):
    referral = advance(world, send(world), "accepted")

    def seven(qs, user):
        return qs.annotate(unread_count=Value(7, output_field=IntegerField()))

    original = list(case_annotators)
    case_annotators[:] = [seven]
    try:
        assert as_user(world.recipient.user).get("/api/v1/cases/").json()["results"][0]["unread_count"] == 7
        assert (
            as_user(world.recipient.user).get(f"/api/v1/cases/{referral.case_id}/").json()["unread_count"]
            == 7
        )
    finally:
        case_annotators[:] = original


def test_a_member_whose_consent_expired_drops_off_without_any_event(db, as_user):
    world = referral_world(recipient_consent=False)
    grant(world, world.recipient, expires_on=timezone.now().date())
    referral = advance(world, send(world), "accepted")
    later = timezone.now() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert as_user(world.recipient.user).get(f"/api/v1/cases/{referral.case_id}/").status_code == 404
        assert as_user(world.recipient.user).get("/api/v1/cases/").json()["count"] == 0
        assert team(as_user(world.guardian.user), referral.case_id) == {(world.referrer.pk, "referrer")}


def test_a_provider_on_no_team_sees_no_case(world, as_user):
    referral = advance(world, send(world), "accepted")
    covered_but_not_on_team = ProviderFactory()
    grant(world, covered_but_not_on_team)
    client = as_user(covered_but_not_on_team.user)
    assert client.get(f"/api/v1/cases/{referral.case_id}/").status_code == 404
    assert client.get("/api/v1/cases/").json()["count"] == 0


def test_case_reads_are_audited(world, as_user):
    from audit.models import AuditEvent

    referral = advance(world, send(world), "accepted")
    as_user(world.guardian.user).get(f"/api/v1/cases/{referral.case_id}/")
    row = AuditEvent.objects.filter(object_type="case", object_id=str(referral.case_id)).get()
    assert (row.action, row.purpose, row.child_id) == ("view", "care_coordination", world.child.pk)
