"""Sending a referral has one input (``referrals.inputs.ReferralSendForm``), bound by the
API and the page: the same refusal from both doors, for programs in the API's envelope
(``field: screenings[0]...``) and for people in plain words beside the field, in their
language, with everything they typed still in the form."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.utils import timezone

from people.preferences import update_preferences
from referrals.models import Referral

pytestmark = pytest.mark.django_db

DAY = (timezone.now().date() - datetime.timedelta(days=2)).isoformat()
SCORES = {
    "communication": "65",
    "gross_motor": "50",
    "fine_motor": "45",
    "problem_solving": "35",
    "personal_social": "30",
}


def page_post(world, **extra):
    return {
        "child": world.child.pk,
        "to_provider": world.recipient.pk,
        "reason": "Few words at 12 months.",
        "urgency": "soon",
        "concern_type": "speech_language",
        "screening_instrument": "asq_3",
        "administered_on": DAY,
        "interval_months": "12",
        **{f"domain_{d}": score for d, score in SCORES.items()},
        **extra,
    }


def error_beside(html: str, name: str) -> str:
    found = re.search(rf'<span class="error" id="{name}-error"[^>]*>(.*?)</span>', html, re.S)
    return unescape(found.group(1)) if found else ""


def typed_value(html: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return found.group(1) if found else None


@pytest.fixture
def referrer(world, client):
    client.force_login(world.referrer.user)
    return client


def test_a_refused_asq3_page_keeps_all_five_scores_and_names_the_score_in_plain_words(world, referrer):
    page = referrer.post("/referrals/new/", page_post(world))
    html = page.content.decode()
    assert page.status_code == 400
    assert error_beside(html, "domain_communication") == "Communication score must be between 0 and 60."
    assert {d: typed_value(html, f"domain_{d}") for d in SCORES} == SCORES
    assert typed_value(html, "interval_months") == "12" and typed_value(html, "administered_on") == DAY
    assert "Few words at 12 months." in html
    assert "screenings[0]" not in html
    assert not Referral.objects.exists()


def test_a_spanish_speaking_provider_reads_the_refusal_in_spanish(world, referrer):
    update_preferences(world.referrer.user, preferred_language="es")
    page = referrer.post("/referrals/new/", page_post(world))
    html = page.content.decode()
    assert page.status_code == 400
    assert error_beside(html, "domain_communication") == "Puntaje de Comunicación debe estar entre 0 y 60."
    assert typed_value(html, "domain_communication") == "65"


def test_the_api_refuses_the_same_scores_naming_the_field_for_programs(world, as_user, referrer):
    screening = {
        "instrument": "asq_3",
        "administered_on": DAY,
        "interval_months": 12,
        "domain_scores": {d: int(score) for d, score in SCORES.items()},
    }
    answer = as_user(world.referrer.user).post(
        "/api/v1/referrals/",
        {
            "child": world.child.pk,
            "to_provider": world.recipient.pk,
            "reason": "x",
            "screenings": [screening],
        },
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "detail": "screenings[0].domain_scores.communication: Communication score must be between 0 and 60.",
        "code": "invalid_screening",
        "field": "screenings[0].domain_scores.communication",
    }


@pytest.mark.parametrize(
    "field, value", [("urgency", "whenever"), ("reason", "x" * 5001), ("concern_type", "astrology")]
)
def test_reason_urgency_and_concern_are_checked_once_alike_on_both_doors(
    world, as_user, referrer, field, value
):
    answer = as_user(world.referrer.user).post(
        "/api/v1/referrals/",
        {"child": world.child.pk, "to_provider": world.recipient.pk, "reason": "x", field: value},
        format="json",
    )
    assert (answer.status_code, answer.json()["code"], answer.json()["field"]) == (400, "invalid", field)
    page = referrer.post("/referrals/new/", page_post(world, screening_instrument="", **{field: value}))
    assert page.status_code == 400
    assert error_beside(page.content.decode(), field) == answer.json()["detail"].removeprefix(f"{field}: ")
    assert not Referral.objects.exists()


def test_the_page_sends_a_valid_asq3_with_its_scores(world, referrer):
    page = referrer.post("/referrals/new/", page_post(world, domain_communication="15"))
    referral = Referral.objects.get()
    assert page.status_code == 302
    screening = referral.screenings.get()
    assert screening.inputs["domain_scores"]["communication"] == 15
    assert screening.result["zones"]["communication"] == "below"
