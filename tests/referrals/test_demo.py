"""The demo world holds referrals in several states and Mateo's case; seeding twice
changes nothing."""

from __future__ import annotations

import pytest

from cases.models import CareTeamMember
from referrals.models import Referral, ReferralEvent

pytestmark = pytest.mark.django_db


def test_demo_referrals_cover_several_states_and_the_case_has_the_team(demo):
    states = {key: referral.status for key, referral in demo["referrals"].items()}
    assert {"scheduled", "sent", "completed", "declined"} <= {
        Referral.objects.get(pk=r.pk).status for r in demo["referrals"].values()
    }, states
    scheduled = Referral.objects.get(pk=demo["referrals"]["scheduled"].pk)
    assert scheduled.screenings.get().instrument == "asq_se_2"
    team = set(
        CareTeamMember.objects.filter(case=demo["cases"]["mateo"], left_at__isnull=True).values_list(
            "user__username", flat=True
        )
    )
    assert team == {"pediatrician", "educator", "social_worker", "slp", "imh_clinician"}


def test_seeding_again_creates_nothing(demo):
    from importlib import import_module

    counts = (Referral.objects.count(), ReferralEvent.objects.count(), CareTeamMember.objects.count())

    class Null:
        def write(self, *args, **kwargs):
            return None

    world = {"password": demo["password"]}
    for app in ("directory", "families", "consent", "referrals"):
        import_module(f"{app}.demo").seed(world, Null())
    assert (Referral.objects.count(), ReferralEvent.objects.count(), CareTeamMember.objects.count()) == counts
