"""Provider pages (dashboard, new referral, referral detail, case) and the family's
referral list, driven through Django's test client."""

from __future__ import annotations

import re

import pytest

from referrals.models import Referral
from tests.factories.referrals import send
from tests.referrals.conftest import advance

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def no_inline_scripts(html: str) -> bool:
    return all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))


def test_dashboard_shows_waiting_for_you_and_the_inbox(world, client):
    referral = send(world)
    page = signed_in(client, world.recipient.user).get("/dashboard/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-count="waiting_for_you">1<' in html
    assert f'data-referral-id="{referral.pk}"' in html
    assert world.child.first_name in html
    assert no_inline_scripts(html)
    assert "js/live.js" in html


def test_the_new_referral_form_offers_only_consented_children(world, client):
    from tests.factories.families import ChildFactory

    stranger = ChildFactory(first_name="Zebulon", last_name="Quartermaine")
    html = signed_in(client, world.referrer.user).get("/referrals/new/").content.decode()
    assert world.child.first_name in html
    assert stranger.first_name not in html
    assert world.recipient.name in html
    assert no_inline_scripts(html)


def test_sending_from_the_form_with_a_screening(world, client):
    response = signed_in(client, world.referrer.user).post(
        "/referrals/new/",
        {
            "child": world.child.pk,
            "to_provider": world.recipient.pk,
            "reason": "Parent worried about tantrums.",
            "urgency": "routine",
            "concern_type": "behavioral",
            "screening_instrument": "asq_se_2",
            "administered_on": "2026-11-01",
            "interval_months": "18",
            "total": "70",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{referral.pk}/"
    assert referral.screenings.get().result["above_cutoff"] is True


def test_the_form_shows_the_consent_refusal(world, client):
    from tests.factories.directory import ProviderFactory

    uncovered = ProviderFactory()
    response = signed_in(client, world.referrer.user).post(
        "/referrals/new/",
        {"child": world.child.pk, "to_provider": uncovered.pk, "reason": "x", "urgency": "routine"},
    )
    assert response.status_code == 403
    assert 'data-error-code="consent_required"' in response.content.decode()
    assert not Referral.objects.exists()


def test_the_form_names_an_out_of_range_score(world, client):
    response = signed_in(client, world.referrer.user).post(
        "/referrals/new/",
        {
            "child": world.child.pk,
            "to_provider": world.recipient.pk,
            "reason": "x",
            "screening_instrument": "mchat_r_f",
            "administered_on": "2026-11-01",
            "total": "25",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    # In plain words, beside the total (the API's "screenings[0].total" is for programs).
    assert (
        '<span class="error" id="total-error" role="alert" data-field="total">'
        "Total score must be between 0 and 20.</span>" in html
    )
    assert "screenings[0]" not in html


def test_the_recipient_works_the_referral_from_its_page(world, client):
    referral = send(world)
    c = signed_in(client, world.recipient.user)
    html = c.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Accept" in html and "Decline" in html
    assert "ASQ:SE-2" in html
    c.post(f"/referrals/{referral.pk}/accept/")
    c.post(f"/referrals/{referral.pk}/schedule/", {"appointment_at": "2030-12-03T09:30"})
    c.post(f"/referrals/{referral.pk}/complete/", {"outcome": "connected", "note": "Started therapy."})
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("completed", "connected")
    # The page's datetime-local is read in the reader's zone (America/New_York by default).
    assert referral.appointment_at.isoformat() == "2030-12-03T14:30:00+00:00"
    referrer_view = signed_in(client, world.referrer.user).get(f"/referrals/{referral.pk}/").content.decode()
    assert "Connected to services" in referrer_view and "Started therapy." in referrer_view


def test_an_invalid_action_from_the_page_explains_itself(world, client):
    referral = advance(world, send(world), "completed")
    c = signed_in(client, world.recipient.user)
    response = c.post(f"/referrals/{referral.pk}/accept/", follow=True)
    assert "Cannot accept a referral that is completed" in response.content.decode()


def test_the_case_page_shows_the_team_and_the_chat_panel(world, client):
    referral = advance(world, send(world), "accepted")
    html = signed_in(client, world.guardian.user).get(f"/cases/{referral.case_id}/").content.decode()
    assert world.recipient.name in html and world.referrer.name in html
    assert no_inline_scripts(html)


def test_the_family_portal_lists_their_childs_referrals(world, client):
    referral = advance(world, send(world), "scheduled")
    html = signed_in(client, world.guardian.user).get("/portal/referrals/").content.decode()
    assert world.recipient.name in html
    assert "Scheduled" in html
    assert f'href="/cases/{referral.case_id}/"' in html
    assert no_inline_scripts(html)


def test_pages_are_for_the_right_people(world, client):
    assert signed_in(client, world.guardian.user).get("/dashboard/").status_code == 403
    assert signed_in(client, world.referrer.user).get("/portal/referrals/").status_code == 403
    client.logout()
    assert client.get("/dashboard/")["Location"].startswith("/accounts/login/")
