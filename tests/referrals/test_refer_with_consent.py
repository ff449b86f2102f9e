"""Referring with consent in view: the picker marks who the child's consents cover and
never defaults to anyone else; for the others the page offers to ask the family. Targets
differ per urgency (Part C's 7 / 45 days the ceiling); screening scores show per domain
with their zone; data categories read in plain words."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from consent.models import ConsentRequest, DataCategory
from referrals.models import Urgency
from referrals.targets import PART_C_APPOINTMENT_CEILING, PART_C_CONTACT_CEILING, TARGETS, target_for
from tests.factories.base import PASSWORD
from tests.factories.directory import ProviderFactory
from tests.factories.referrals import send
from tests.referrals.conftest import revoke

pytestmark = pytest.mark.django_db


def selected_option(html: str) -> str | None:
    select = re.search(r'<select id="to_provider".*?</select>', html, re.S).group(0)
    chosen = re.search(r'<option value="(\d*)"[^>]*\sselected', select)
    return chosen.group(1) if chosen else None


def option_groups(html: str) -> dict[str, list[str]]:
    groups = {}
    for name, body in re.findall(r'<optgroup[^>]*data-group="(\w+)">(.*?)</optgroup>', html, re.S):
        groups[name] = re.findall(r'<option value="(\d+)"', body)
    return groups


def test_the_picker_marks_covered_recipients_and_never_defaults_to_an_uncovered_one(world, client):
    # "Aaron" sorts first by name, has an account, and no consent covers him.
    uncovered = ProviderFactory(name="Aaron Uncovered")
    client.force_login(world.referrer.user)
    html = client.get("/referrals/new/").content.decode()
    groups = option_groups(html)
    assert groups["covered"] == [str(world.recipient.pk)]
    assert str(uncovered.pk) in groups["others"]
    assert selected_option(html) == str(world.recipient.pk)
    assert "The family’s consent covers this provider for a referral." in html
    assert 'id="ask-family" class="panel" hidden' in html

    # No consent covers anyone: the default is "Choose a provider", never the first name.
    revoke(world, world.consents["recipient"])
    html = client.get("/referrals/new/").content.decode()
    assert option_groups(html)["covered"] == []
    assert selected_option(html) == ""


def test_choosing_an_uncovered_provider_offers_to_ask_the_family_and_asking_works(
    world, client, django_capture_on_commit_callbacks
):
    uncovered = ProviderFactory(name="Sam Speech", discipline="speech_language_pathologist")
    client.force_login(world.referrer.user)
    html = client.get(f"/referrals/new/?child={world.child.pk}&to_provider={uncovered.pk}").content.decode()
    assert selected_option(html) == str(uncovered.pk)
    assert "No consent from the family covers this provider yet." in html
    ask = re.search(r'<div id="ask-family"[^>]*>', html).group(0)
    assert "hidden" not in ask
    assert "Ask the family to share with this provider" in html

    # Sending anyway is refused, and the page still offers the way forward.
    refused = client.post(
        "/referrals/new/",
        {"child": world.child.pk, "to_provider": uncovered.pk, "reason": "Late talker.", "urgency": "soon"},
    )
    assert refused.status_code == 403
    assert 'data-error-code="consent_required"' in refused.content.decode()
    assert "Ask the family to share with this provider" in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(
            "/consent-requests/new/",
            {
                "child": world.child.pk,
                "provider": uncovered.pk,
                "purposes": ["referral", "care_coordination"],
                "data_categories": ["demographics", "screening_results"],
                "note": "Speech evaluation",
                "next": f"/referrals/new/?child={world.child.pk}",
            },
        )
    assert asked.status_code == 302 and asked["Location"] == f"/referrals/new/?child={world.child.pk}"
    request = ConsentRequest.objects.get()
    assert (request.provider, request.requested_by, request.status) == (uncovered, world.referrer, "pending")

    page = client.get(asked["Location"]).content.decode()
    assert "We asked the family to share with Sam Speech." in page
    assert "Your requests to families" in page and "Waiting for the family" in page
    assert "family asked" in page

    # The guardian signs in the portal; the referrer can now refer to Sam.
    from consent.requests import consent_request_sign

    consent_request_sign(actor=world.guardian.user, request_id=request.pk, password=PASSWORD)
    page = client.get(f"/referrals/new/?child={world.child.pk}").content.decode()
    assert str(uncovered.pk) in option_groups(page)["covered"]
    assert "Signed by the family" in page
    sent = client.post(
        "/referrals/new/",
        {"child": world.child.pk, "to_provider": uncovered.pk, "reason": "Late talker.", "urgency": "soon"},
    )
    assert sent.status_code == 302, sent.content.decode()[:2000]


def test_the_picker_search_uses_the_directory_search(world, as_user):
    ProviderFactory(name="Sam Speech", discipline="speech_language_pathologist")
    rows = as_user(world.referrer.user).get("/api/v1/referrals/recipients/?q=Speech").json()
    assert [r["name"] for r in rows] == ["Sam Speech"]
    assert rows[0]["discipline_label"] and "organization_id" in rows[0]
    too_long = as_user(world.referrer.user).get("/api/v1/referrals/recipients/?q=" + "x" * 201)
    assert too_long.status_code == 400 and too_long.json()["code"] == "invalid_parameter"


def test_targets_per_urgency_are_data_below_the_part_c_ceiling():
    assert set(TARGETS) == set(Urgency.values)
    for target in TARGETS.values():
        assert target.first_contact <= PART_C_CONTACT_CEILING
        assert target.first_appointment <= PART_C_APPOINTMENT_CEILING
        assert target.contact_reminder_before < target.first_contact
        assert target.appointment_reminder_before < target.first_appointment
        assert str(target.source)
    routine, soon, urgent = (target_for(u) for u in ("routine", "soon", "urgent"))
    assert (routine.contact_days, routine.appointment_days) == (7, 45)
    assert urgent.summary == "first contact within 1 day, first appointment within 7 days"
    assert urgent.first_contact < soon.first_contact < routine.first_contact
    assert urgent.first_appointment < soon.first_appointment < routine.first_appointment


@pytest.mark.parametrize("urgency", ["routine", "soon", "urgent"])
def test_each_urgency_gets_its_own_clocks_and_the_page_shows_them(world, client, urgency):
    referral = send(world, urgency=urgency)
    target = TARGETS[urgency]
    assert referral.contact_due_at - referral.sent_at == target.first_contact
    assert referral.appointment_due_at - referral.sent_at == target.first_appointment
    client.force_login(world.referrer.user)
    html = client.get(f"/referrals/{referral.pk}/").content.decode()
    shown = timezone.localtime(referral.contact_due_at, ZoneInfo("America/New_York"))  # the default page zone
    assert f"First contact by {shown.day} {shown:%b %Y}" in html  # the one date format (issue 25)
    form = client.get("/referrals/new/").content.decode()
    assert f"{urgency.capitalize()}: {target.summary}" in form


def test_an_urgent_referral_is_overdue_and_reminded_before_a_routine_one(world):
    from referrals.reminders import referrals_remind_clocks

    urgent = send(world, urgency="urgent")
    routine = send(world, urgency="routine")
    later = timezone.now() + datetime.timedelta(days=1, hours=1)
    assert urgent.overdue_flags(later) == ["contact"] and routine.overdue_flags(later) == []
    counts = referrals_remind_clocks(now=later)
    assert counts["contact_overdue"] == 1 and counts["contact_reminder"] == 1  # urgent only


def test_the_referral_page_shows_asq3_scores_per_domain_with_their_zone(world, client):
    asq3 = {
        "instrument": "asq_3",
        "administered_on": timezone.now().date().isoformat(),
        "interval_months": 24,
        "domain_scores": {
            "communication": 15,
            "gross_motor": 50,
            "fine_motor": 45,
            "problem_solving": 40,
            "personal_social": 35,
        },
    }
    referral = send(world, screenings=[asq3])
    client.force_login(world.recipient.user)
    html = client.get(f"/referrals/{referral.pk}/").content.decode()
    rows = dict(re.findall(r'<tr data-domain="(\w+)">.*?<span class="badge \w+">([^<]+)</span>', html, re.S))
    assert rows == {
        "communication": "Below cutoff: refer for further assessment",
        "gross_motor": "Above cutoff: on schedule",
        "fine_motor": "Above cutoff: on schedule",
        "problem_solving": "Above cutoff: on schedule",
        "personal_social": "Above cutoff: on schedule",
    }
    for label in ("Communication", "Gross motor", "Fine motor", "Problem solving", "Personal-social"):
        assert f"<strong>{label}</strong>" in html
    assert "25.17" in html  # the 24-month communication cutoff
    assert "Below cutoff: communication" in html
    # Shared data in plain words, never codes.
    assert f"{DataCategory.DEMOGRAPHICS.label}, {DataCategory.SCREENING_RESULTS.label}" in html
    assert "screening_results" not in re.sub(r"<[^>]+>", "", html)


def test_the_form_labels_keep_their_spaces(world, client):
    client.force_login(world.referrer.user)
    html = client.get("/referrals/new/").content.decode()
    for broken in ("Grossmotor", "Developmentalhistory", "Problemsolving", "Personalsocial"):
        assert broken not in html
    assert "Gross motor score" in html and "Problem solving score" in html
    assert str(DataCategory.DEVELOPMENTAL_HISTORY.label) in html


def test_the_form_costs_the_same_queries_whatever_the_requests_and_recipients(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from consent.requests import consent_request_create

    def ask_for_one_more():
        consent_request_create(
            actor=world.referrer.user,
            child_id=world.child.pk,
            provider_id=ProviderFactory().pk,
            purposes=["referral"],
            data_categories=["demographics"],
        )

    client.force_login(world.referrer.user)
    ask_for_one_more()
    client.get("/referrals/new/")  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        client.get("/referrals/new/")
    for _ in range(5):
        ask_for_one_more()
    with CaptureQueriesContext(connection) as many:
        html = client.get("/referrals/new/").content.decode()
    assert html.count("Waiting for the family") == 6
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
