"""The move to cases kept the data where it was: the same tables, content types under
cases (so permissions follow), the case page and API at the same addresses, and the
care-team access-end hook registered by cases, returning the users it touched."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import resolve, reverse
from django.utils import timezone

from cases.models import CareTeamMember, Case
from cases.services import care_team_end_for_consent
from consent.hooks import AccessEnd, registered_hooks
from consent.models import Consent
from tests.factories.referrals import send
from tests.referrals.conftest import advance

pytestmark = pytest.mark.django_db


def test_the_tables_stay_those_referrals_created():
    assert Case._meta.db_table == "referrals_case"
    assert CareTeamMember._meta.db_table == "referrals_careteammember"


def test_content_types_and_permissions_belong_to_cases():
    for model in (Case, CareTeamMember):
        assert ContentType.objects.get_for_model(model).app_label == "cases"
    assert not ContentType.objects.filter(
        app_label="referrals", model__in=["case", "careteammember"]
    ).exists()
    assert Permission.objects.filter(content_type__app_label="cases", codename="view_case").exists()


def test_urls_and_names_are_unchanged_and_served_by_cases():
    assert reverse("case-page", kwargs={"pk": 7}) == "/cases/7/"
    assert reverse("api-case-list") == "/api/v1/cases/"
    assert reverse("api-case-detail", kwargs={"pk": 7}) == "/api/v1/cases/7/"
    assert reverse("cases") == "/cases/"
    assert resolve("/cases/").func.__module__ == "cases.views"
    assert resolve("/cases/7/").func.__module__ == "cases.views"
    assert resolve("/api/v1/cases/").func.__module__ == "cases.apis"
    assert resolve("/api/v1/cases/7/").func.__module__ == "cases.apis"


def test_the_case_page_shows_what_referrals_and_messaging_register(world, client):
    referral = advance(world, send(world), "accepted")
    client.force_login(world.recipient.user)
    html = client.get(f"/cases/{referral.case_id}/").content.decode()
    # Referrals' section (the case's referrals), then messaging's (the team chat).
    assert html.index('id="case-referrals"') < html.index('id="chat-h"')
    assert f"/referrals/{referral.pk}/" in html


def test_the_care_team_hook_is_cases_and_returns_the_members_it_ended(world):
    assert registered_hooks()["cases.care_team"] is care_team_end_for_consent
    referral = advance(world, send(world), "accepted")
    recipient_member = CareTeamMember.objects.get(case_id=referral.case_id, user=world.recipient.user)
    consent = world.consents["recipient"]
    Consent.objects.filter(pk=consent.pk).update(revoked_at=timezone.now())
    consent.refresh_from_db()

    touched = care_team_end_for_consent(
        AccessEnd(consent=consent, reason="consent_revoked", at=timezone.now())
    )

    assert touched == {world.recipient.user.pk}
    recipient_member.refresh_from_db()
    assert recipient_member.left_at is not None
    assert recipient_member.left_reason == "consent_revoked"
    # The referrer's own consent still covers them: still on the team.
    assert CareTeamMember.objects.get(case_id=referral.case_id, user=world.referrer.user).left_at is None
