"""Each lifecycle step has one input (``referrals.inputs.TRANSITION_FORMS``), bound by
the referral's page and the API: a refused field is refused alike by both, and the page
shows it beside the field with what was typed still there."""

from __future__ import annotations

import re
from html import unescape

import pytest

from referrals.models import Referral
from tests.factories.referrals import send
from tests.referrals.conftest import advance

pytestmark = pytest.mark.django_db


def error_beside(html: str, element_id: str) -> str:
    found = re.search(rf'<span class="error" id="{element_id}-error"[^>]*>(.*?)</span>', html, re.S)
    return unescape(found.group(1)) if found else ""


def test_an_appointment_in_the_past_is_refused_beside_the_field_with_the_time_kept(world, client):
    referral = advance(world, send(world), "accepted")
    client.force_login(world.recipient.user)
    page = client.post(f"/referrals/{referral.pk}/schedule/", {"appointment_at": "2020-01-02T09:30"})
    html = page.content.decode()
    assert page.status_code == 400
    assert error_beside(html, "appointment_at").startswith("The appointment is in the past")
    assert 'value="2020-01-02T09:30"' in html
    assert Referral.objects.get(pk=referral.pk).status == "accepted"


def test_an_unknown_outcome_is_refused_alike_by_the_page_and_the_api(world, client, as_user):
    referral = advance(world, send(world), "scheduled")
    answer = as_user(world.recipient.user).post(
        f"/api/v1/referrals/{referral.pk}/complete/", {"outcome": "astrology", "note": "kept"}, format="json"
    )
    body = answer.json()
    assert (answer.status_code, body["code"], body["field"]) == (400, "invalid", "outcome")
    client.force_login(world.recipient.user)
    page = client.post(f"/referrals/{referral.pk}/complete/", {"outcome": "astrology", "note": "kept"})
    html = page.content.decode()
    assert page.status_code == 400
    assert error_beside(html, "outcome") == body["detail"].removeprefix("outcome: ")
    assert ">kept</textarea>" in html
    assert Referral.objects.get(pk=referral.pk).status == "scheduled"


def test_a_decline_note_over_the_limit_is_refused_beside_the_note(world, client):
    referral = send(world)
    client.force_login(world.recipient.user)
    page = client.post(
        f"/referrals/{referral.pk}/decline/", {"decline_reason": "no_capacity", "note": "n" * 5001}
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "5000" in error_beside(html, "decline_note")
    assert Referral.objects.get(pk=referral.pk).status != "declined"


def test_an_api_note_that_is_not_text_is_refused(world, as_user):
    referral = send(world)
    answer = as_user(world.recipient.user).post(
        f"/api/v1/referrals/{referral.pk}/accept/", {"note": {"text": "hi"}}, format="json"
    )
    assert (answer.status_code, answer.json()["field"]) == (400, "note")
