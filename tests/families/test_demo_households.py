"""Issue 26: the demo holds households that are not "two parents at one address", and
each login does what its README line says (docs/consent.md, "Who may consent")."""

from __future__ import annotations

import io

import pytest
from rest_framework.test import APIClient

from consent.authority import consenting_authority, may_consent
from consent.recipients import contact_confidential, family_recipients
from families.demo_households import seed_households
from families.models import Authority, AuthorityBasis, Restriction, RestrictionKind
from referral_hub.errors import ApplicationError

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_foster_care_child_has_a_caseworker_a_delegated_foster_parent_and_a_birth_parent_kept_out(demo):
    eli, g = demo["children"]["eli"], demo["guardians"]
    custody = consenting_authority(g["caseworker"], eli.pk, ["referral", "care_coordination", "messaging"])
    assert (custody.basis, custody.order_number) == (AuthorityBasis.AGENCY_CUSTODY, "2026-JV-0042")
    assert custody.recorded_by == demo["users"]["coordinator"]
    assert custody.document.file.read(5) == b"%PDF-"

    assert may_consent(g["foster_parent"], eli.pk, ["referral"])
    with pytest.raises(ApplicationError) as wider:
        consenting_authority(g["foster_parent"], eli.pk, ["referral", "care_coordination"])
    assert wider.value.code == "outside_authority"

    birth = g["birth_parent"]
    assert not may_consent(birth, eli.pk)
    ended = Authority.objects.get(child=eli, holder=birth, basis=AuthorityBasis.PARENT)
    assert ended.ends_at is not None and "2026-JV-0042" in ended.end_note
    assert Restriction.objects.in_force().filter(child=eli, person=birth, kind=RestrictionKind.NO_INFORMATION)
    assert api(birth.user).get(f"/api/v1/children/{eli.pk}/").status_code == 404
    assert birth not in family_recipients(eli.pk)
    # The foster parent may see Eli (the household) and hears about him.
    assert api(g["foster_parent"].user).get(f"/api/v1/children/{eli.pk}/").status_code == 200
    assert g["foster_parent"] in family_recipients(eli.pk)


def test_the_teen_parent_consents_for_her_infant_as_a_minor_parent(demo):
    leo, teen = demo["children"]["leo"], demo["guardians"]["teen_parent"]
    held = consenting_authority(teen, leo.pk, ["referral", "care_coordination", "messaging"])
    assert held.basis == AuthorityBasis.MINOR_PARENT
    assert held.recorded_by == demo["users"]["coordinator"]


def test_the_parent_under_a_protective_order_keeps_her_contact_details_and_shares_custody(demo):
    ivy, g = demo["children"]["ivy"], demo["guardians"]
    assert contact_confidential(g["confidential"].user_id, ivy.pk)
    assert not contact_confidential(g["coparent"].user_id, ivy.pk)
    assert may_consent(g["confidential"], ivy.pk) and may_consent(g["coparent"], ivy.pk)


def test_seeding_the_households_again_writes_nothing_new(demo):
    counts = (Authority.objects.count(), Restriction.objects.count())
    seed_households(demo, io.StringIO())
    assert (Authority.objects.count(), Restriction.objects.count()) == counts


def test_every_new_demo_login_signs_in_with_the_demo_password(demo):
    for username in (
        "caseworker",
        "foster_parent",
        "birth_parent",
        "teen_parent",
        "confidential",
        "coparent",
    ):
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": username, "password": demo["password"]}, format="json"
        )
        assert response.status_code == 200, (username, response.json())
