"""Needs met (issue 27, Help Me Grow's indicator): the recipient says at completion
whether the family's need was met and what got in the way; the family answers the same
question on their referrals page; only a guardian the decision point allows can."""

from __future__ import annotations

import pytest
from django.test import Client

from audit.models import AuditEvent
from referrals.models import Referral, ReferralEvent
from tests.factories.families import GuardianFactory, RestrictionFactory
from tests.factories.referrals import referral_world, send
from tests.referrals.conftest import advance

pytestmark = pytest.mark.django_db


def _complete(as_user, world, referral, **body):
    return as_user(world.recipient.user).post(
        f"/api/v1/referrals/{referral.pk}/complete/", {"outcome": "connected", **body}, format="json"
    )


def test_the_recipient_records_needs_met_and_barriers_and_the_referral_shows_them(world, as_user):
    referral = advance(world, send(world), "scheduled")
    response = _complete(
        as_user,
        world,
        referral,
        needs_met="partly",
        barriers=["transportation", "waitlist"],
        note="Half way.",
    )
    assert response.status_code == 200, response.content
    body = as_user(world.referrer.user).get(f"/api/v1/referrals/{referral.pk}/").json()
    assert body["status"] == "completed"
    assert body["needs_met"] == "partly"
    # In the list's order, once each.
    assert body["barriers"] == ["waitlist", "transportation"]
    assert body["family_needs_met"] is None
    last = body["timeline"][-1]
    assert (last["to_status"], last["needs_met"], last["barriers"], last["by_family"]) == (
        "completed",
        "partly",
        ["waitlist", "transportation"],
        False,
    )


def test_needs_met_is_unknown_when_the_recipient_does_not_say(world, as_user):
    referral = advance(world, send(world), "accepted")
    assert _complete(as_user, world, referral).json()["needs_met"] == "unknown"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"needs_met": "not_met"}, "barriers_required"),
        ({"needs_met": "partly", "barriers": []}, "barriers_required"),
        ({"needs_met": "met", "barriers": ["cost"]}, "barriers_not_allowed"),
        ({"needs_met": "not_met", "barriers": ["weather"]}, "invalid_barrier"),
        ({"needs_met": "not_met", "barriers": "cost"}, "invalid_barrier"),
        ({"needs_met": "mostly"}, "invalid_needs_met"),
    ],
)
def test_a_wrong_answer_is_refused_beside_its_field_and_nothing_changes(world, as_user, body, code):
    referral = advance(world, send(world), "scheduled")
    response = _complete(as_user, world, referral, **body)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["field"] == ("needs_met" if code == "invalid_needs_met" else "barriers")
    referral.refresh_from_db()
    assert (referral.status, referral.needs_met, referral.barriers) == ("scheduled", "", [])


def test_the_completion_form_on_the_page_asks_and_refuses_in_spanish(world):
    referral = advance(world, send(world), "scheduled")
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(world.recipient.user)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert 'name="needs_met"' in page and 'value="could_not_reach"' in page
    refused = client.post(
        f"/referrals/{referral.pk}/complete/", {"outcome": "connected", "needs_met": "not_met"}
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert 'data-field="complete-barriers"' in text
    assert "obstáculo" in text  # the message beside the barriers, in Spanish
    done = client.post(
        f"/referrals/{referral.pk}/complete/",
        {"outcome": "unreachable", "needs_met": "not_met", "barriers": ["could_not_reach"]},
    )
    assert done.status_code == 302
    referral.refresh_from_db()
    assert (referral.needs_met, referral.barriers) == ("not_met", ["could_not_reach"])
    shown = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert 'id="referral-needs-met"' in shown and "No se cubrió" in shown


# --- the family's answer -------------------------------------------------------------


def _answer(as_user, user, referral, **body):
    return as_user(user).post(f"/api/v1/referrals/{referral.pk}/family-needs-met/", body, format="json")


def test_the_family_answers_apart_from_the_recipient(world, as_user):
    referral = advance(world, send(world), "completed")
    response = _answer(as_user, world.guardian.user, referral, needs_met="not_met", barriers=["cost"])
    assert response.status_code == 200, response.content
    assert response.json()["family_needs_met"] == "not_met"
    assert response.json()["family_barriers"] == ["cost"]
    referral.refresh_from_db()
    assert (referral.needs_met, referral.family_needs_met) == ("unknown", "not_met")
    event = ReferralEvent.objects.filter(referral=referral).last()
    assert event.by_family and event.needs_met == "not_met" and event.actor == world.guardian.user
    assert AuditEvent.objects.filter(
        object_type="referral", object_id=str(referral.pk), detail__startswith="family answer"
    ).exists()
    # The recipient sees the family's answer beside their own.
    seen = as_user(world.recipient.user).get(f"/api/v1/referrals/{referral.pk}/").json()
    assert (seen["needs_met"], seen["family_needs_met"]) == ("unknown", "not_met")


def test_the_family_answer_is_refused_before_completion_and_checked_like_the_recipients(world, as_user):
    referral = advance(world, send(world), "scheduled")
    early = _answer(as_user, world.guardian.user, referral, needs_met="met")
    assert (early.status_code, early.json()["code"]) == (409, "invalid_transition")
    advance_to_completed = advance(world, send(world), "completed")
    wrong = _answer(as_user, world.guardian.user, advance_to_completed, needs_met="partly")
    assert (wrong.status_code, wrong.json()["code"]) == (400, "barriers_required")


def test_only_a_guardian_the_decision_point_allows_may_answer(world, as_user):
    dad = GuardianFactory(family=world.family)  # in the household when the referral was made
    referral = advance(world, send(world), "completed")
    for provider in (world.referrer, world.recipient):
        refused = _answer(as_user, provider.user, referral, needs_met="met")
        assert (refused.status_code, refused.json()["code"]) == (403, "not_allowed")
    stranger = referral_world().guardian.user  # another family: the same 404 as a missing id
    assert _answer(as_user, stranger, referral, needs_met="met").status_code == 404
    assert _answer(as_user, stranger, Referral(pk=10**9), needs_met="met").status_code == 404
    # A court order keeps dad from any information about the child: he cannot answer.
    RestrictionFactory(child=world.child, person=dad, kind="no_information")
    assert _answer(as_user, dad.user, referral, needs_met="met").status_code == 404
    assert AuditEvent.objects.filter(
        actor_id=dad.user.pk, outcome="denied", object_id=str(referral.pk)
    ).exists()
    referral.refresh_from_db()
    assert referral.family_needs_met == ""


def test_the_family_answers_on_their_referrals_page(world):
    referral = advance(world, send(world), "completed")
    client = Client()
    client.force_login(world.guardian.user)
    page = client.get("/portal/referrals/").content.decode()
    assert f'id="needs-met-form-{referral.pk}"' in page
    refused = client.post(f"/portal/referrals/{referral.pk}/needs-met/", {"needs_met": "partly"})
    assert refused.status_code == 400
    assert f'data-field="family-{referral.pk}-barriers"' in refused.content.decode()
    done = client.post(
        f"/portal/referrals/{referral.pk}/needs-met/", {"needs_met": "partly", "barriers": ["language"]}
    )
    assert done.status_code == 302 and done["Location"].endswith(f"#referral-{referral.pk}")
    shown = client.get("/portal/referrals/").content.decode()
    assert f'id="family-answer-{referral.pk}"' in shown and "Language" in shown


def test_a_provider_cannot_use_the_familys_form(world):
    referral = advance(world, send(world), "completed")
    client = Client()
    client.force_login(world.recipient.user)
    response = client.post(f"/portal/referrals/{referral.pk}/needs-met/", {"needs_met": "met"})
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.family_needs_met == ""


def test_the_familys_completion_notice_asks_and_links_to_the_question(world, client):
    from people.preferences import update_preferences

    update_preferences(world.guardian.user, preferred_language="es")
    referral = advance(world, send(world), "completed")
    client.force_login(world.guardian.user)
    notices = client.get("/api/v1/notices/").json()["results"]
    done = [
        n
        for n in notices
        if n["payload"].get("referral_id") == referral.pk and n["payload"]["status"] == "completed"
    ]
    assert len(done) == 1
    assert "¿Le sirvió?" in done[0]["title"]
    url = done[0]["payload"]["url"]
    assert url == f"/portal/referrals/#referral-{referral.pk}"
    # The card it links to holds the question.
    page = client.get("/portal/referrals/").content.decode()
    card = page[page.index(f'id="referral-{referral.pk}"') :]
    assert f'id="needs-met-form-{referral.pk}"' in card[: card.index("</article>")]
