"""Issue 25, items 8 and 10: the endorsement record cannot be weakened unnoticed.

- A revoked endorsement is verified again only with a reason and an explicit
  confirmation (page and API), and the reason shows in its history.
- Reviewers and curators read every reference's answer (yes / with reservations / no,
  and the comments); a "No" is flagged and approving over it needs a justification.
- Applicants and reviewers are told at each step, in their language, by notice and e-mail.
- Statuses read as words in the reader's language."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from directory.models import EndorsementReview
from endorsement.models import Application, EndorsementTerm
from endorsement.services import terms_lapse_overdue, terms_tell_due
from outbox.models import OutboxMessage
from people.preferences import update_preferences
from tests.endorsement.conftest import as_user, log_enough_for_family_specialist, reference_links
from tests.endorsement.test_lifecycle import ask_three_references, open_application
from tests.factories.directory import EndorsementFactory

pytestmark = pytest.mark.django_db


# --- re-verifying a revoked endorsement ------------------------------------------------


@pytest.fixture
def revoked(curator):
    from directory.services import endorsement_set_status

    endorsement = EndorsementFactory(status="verified")
    endorsement_set_status(
        actor=curator, endorsement_id=endorsement.pk, status="revoked", note="Sanction by the association"
    )
    return endorsement


def test_the_api_refuses_to_verify_a_revoked_endorsement_without_a_reason_and_a_confirmation(
    revoked, curator
):
    url = f"/api/v1/curation/endorsements/{revoked.pk}/verify/"
    office = as_user(curator)

    no_reason = office.post(url, {"confirm": True}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "reason_required"
    not_confirmed = office.post(url, {"note": "Sanction lifted on appeal"}, format="json")
    assert not_confirmed.status_code == 400 and not_confirmed.json()["code"] == "confirmation_required"
    revoked.refresh_from_db()
    assert revoked.status == "revoked"

    done = office.post(url, {"note": "Sanction lifted on appeal", "confirm": True}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "verified"
    review = EndorsementReview.objects.filter(endorsement=revoked).order_by("-id").first()
    assert (review.actor, review.from_status, review.to_status, review.note) == (
        curator,
        "revoked",
        "verified",
        "Sanction lifted on appeal",
    )
    # Pending ones are still verified by one call (nothing is undone).
    pending = EndorsementFactory(status="pending")
    assert (
        office.post(f"/api/v1/curation/endorsements/{pending.pk}/verify/", {}, format="json").status_code
        == 200
    )
    assert as_user(pending.provider.user).post(url, {}, format="json").status_code == 403


def test_the_page_asks_for_a_reason_and_a_confirmation_and_the_history_shows_the_reason(
    revoked, curator, client
):
    client.force_login(curator)
    listing = client.get("/curate/?status=revoked").content.decode()
    reverify = f"/curate/endorsements/{revoked.pk}/reverify/"
    assert reverify in listing  # a link to a page, not a one-click button

    # The old one-click form posted straight to verify: now it answers with the page, 400.
    one_click = client.post(f"/curate/endorsements/{revoked.pk}/verify/", {"note": ""})
    assert one_click.status_code == 400 and "Give the reason" in one_click.content.decode()
    page = client.get(reverify).content.decode()
    assert "Sanction by the association" in page and "Reason (required)" in page
    unconfirmed = client.post(reverify, {"note": "Sanction lifted on appeal"})
    text = unconfirmed.content.decode()
    assert unconfirmed.status_code == 400 and 'data-code="confirmation_required"' in text
    assert "Sanction lifted on appeal" in text  # what was typed is kept
    revoked.refresh_from_db()
    assert revoked.status == "revoked"

    done = client.post(reverify, {"note": "Sanction lifted on appeal", "confirm": "reverify"}, follow=True)
    revoked.refresh_from_db()
    assert revoked.status == "verified"
    history = client.get("/curate/?status=verified").content.decode()
    assert "(Revoked → Verified): “Sanction lifted on appeal”" in history
    assert "Verified again" in done.content.decode()


# --- every reference answer seen; a "No" flagged; approving over it justified ----------


@pytest.fixture
def said_no(applicant, consultant, reviewers, curator, client, django_capture_on_commit_callbacks):
    """An application in review whose third reference said "No" (the applicant waived
    seeing the answers)."""
    me = as_user(applicant.user)
    log_enough_for_family_specialist(me, consultant.pk)
    app = open_application(me)
    me.post(f"/api/v1/endorsement/applications/{app['id']}/submit/", {"attest_ethics": True}, format="json")
    ask_three_references(me, app["id"], django_capture_on_commit_callbacks, waiver=True)
    answers = [
        ("yes", "Consistently reflective."),
        ("with_reservations", "Strong, but new to group work."),
        ("no", "Breached confidentiality twice last year."),
    ]
    for link, (recommend, comments) in zip(reference_links(), answers, strict=True):
        answered = client.post(
            link,
            {"ratings": {"reflection": 4}, "recommend": recommend, "comments": comments},
            content_type="application/json",
        )
        assert answered.status_code == 200, answered.content
    as_user(curator).post(
        f"/api/v1/endorsement/applications/{app['id']}/assign/",
        {"reviewers": [r.pk for r in reviewers]},
        format="json",
    )
    return app["id"]


def test_reviewers_and_curators_see_every_answer_and_a_no_is_flagged(
    said_no, reviewers, curator, applicant, client
):
    for person in (*reviewers, curator):
        body = as_user(person).get(f"/api/v1/endorsement/applications/{said_no}/").json()
        answers = {(r["recommendation"], r["comments"], r["does_not_recommend"]) for r in body["references"]}
        assert answers == {
            ("yes", "Consistently reflective.", False),
            ("with_reservations", "Strong, but new to group work.", False),
            ("no", "Breached confidentiality twice last year.", True),
        }
        client.force_login(person)
        page = client.get(f"/endorsement/applications/{said_no}/").content.decode()
        assert 'id="reference-said-no"' in page and "A reference does not recommend endorsement." in page
        assert "Breached confidentiality twice last year." in page and "Yes, with reservations" in page
    # The lists flag it too: the curators' queue and each reviewer's assigned list.
    client.force_login(curator)
    assert "data-said-no" in client.get("/endorsement/curate/").content.decode()
    client.force_login(reviewers[0])
    assert "data-said-no" in client.get("/endorsement/reviews/").content.decode()
    # The applicant waived: they learn that references answered, not what they said.
    mine = as_user(applicant.user).get(f"/api/v1/endorsement/applications/{said_no}/").json()
    assert {(r["recommendation"], r["comments"]) for r in mine["references"]} == {(None, None)}
    client.force_login(applicant.user)
    assert "Breached" not in client.get(f"/endorsement/applications/{said_no}/").content.decode()


def test_approving_over_a_no_needs_a_written_justification(said_no, reviewers, client):
    url = f"/api/v1/endorsement/applications/{said_no}/review/"
    refused = as_user(reviewers[0]).post(url, {"decision": "approve"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "justification_required"

    client.force_login(reviewers[1])
    page = client.post(
        f"/endorsement/applications/{said_no}/review/",
        {"decision": "approve", "feedback": "Solid portfolio."},
    )
    text = page.content.decode()
    assert page.status_code == 400 and 'data-code="justification_required"' in text
    assert "Solid portfolio." in text  # kept

    why = "The breach was reported, remediated and supervised; two references vouch for the year since."
    first = as_user(reviewers[0]).post(url, {"decision": "approve", "justification": why}, format="json")
    assert first.status_code == 200, first.json()
    done = as_user(reviewers[1]).post(url, {"decision": "approve", "justification": "Agreed."}, format="json")
    assert done.json()["status"] == "approved"
    assert {r["justification"] for r in done.json()["reviews"]} == {why, "Agreed."}
    assert why in client.get(f"/endorsement/applications/{said_no}/").content.decode()


# --- notices and e-mails at each step, in the recipient's language -------------------------


def _notices(user) -> list[str]:
    return list(
        OutboxMessage.objects.filter(recipient_id=user.pk, channel="in_app", kind__startswith="endorsement.")
        .order_by("id")
        .values_list("kind", flat=True)
    )


def test_applicant_and_reviewers_are_told_at_each_step_by_notice_and_email(
    applicant, consultant, reviewers, curator, client, django_capture_on_commit_callbacks
):
    update_preferences(applicant.user, preferred_language="es")
    me = as_user(applicant.user)
    log_enough_for_family_specialist(me, consultant.pk)
    app = open_application(me)
    with django_capture_on_commit_callbacks(execute=True):
        me.post(
            f"/api/v1/endorsement/applications/{app['id']}/submit/", {"attest_ethics": True}, format="json"
        )
    ask_three_references(me, app["id"], django_capture_on_commit_callbacks)
    for link in reference_links():
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                link, {"ratings": {"reflection": 5}, "recommend": "yes"}, content_type="application/json"
            )
    with django_capture_on_commit_callbacks(execute=True):
        as_user(curator).post(
            f"/api/v1/endorsement/applications/{app['id']}/assign/",
            {"reviewers": [r.pk for r in reviewers]},
            format="json",
        )
    url = f"/api/v1/endorsement/applications/{app['id']}/review/"
    with django_capture_on_commit_callbacks(execute=True):
        as_user(reviewers[0]).post(url, {"decision": "defer", "feedback": "Add a case study."}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        as_user(reviewers[1]).post(url, {"decision": "approve"}, format="json")

    assert _notices(applicant.user) == [
        "endorsement.application.submitted",
        "endorsement.reference.received",
        "endorsement.reference.received",
        "endorsement.reference.received",
        "endorsement.application.more_info",
    ]
    assert _notices(reviewers[0]) == ["endorsement.review.assigned"]
    assert _notices(reviewers[1]) == ["endorsement.review.assigned", "endorsement.review.second_needed"]

    # The applicant reads Spanish, on the notice page and in the e-mail; a link, no more.
    client.force_login(applicant.user)
    page = client.get("/notices/").content.decode()
    assert "necesita más de usted" in page
    to_applicant = [m for m in mail.outbox if m.to == [applicant.user.email]]
    assert len(to_applicant) == 5 and "Su solicitud" in to_applicant[0].subject
    assert f"/endorsement/applications/{app['id']}/" in to_applicant[-1].body
    assert not any("Add a case study" in m.body for m in mail.outbox)  # feedback stays on the site
    to_second = [m for m in mail.outbox if m.to == [reviewers[1].email]]
    assert "your review is needed" in to_second[-1].subject

    # Resubmitted and approved: told again (a new round), and told of the decision.
    with django_capture_on_commit_callbacks(execute=True):
        me.post(
            f"/api/v1/endorsement/applications/{app['id']}/submit/", {"attest_ethics": True}, format="json"
        )
        as_user(curator).post(
            f"/api/v1/endorsement/applications/{app['id']}/assign/",
            {"reviewers": [r.pk for r in reviewers]},
            format="json",
        )
        for reviewer in reviewers:
            as_user(reviewer).post(url, {"decision": "approve"}, format="json")
    assert Application.objects.get(pk=app["id"]).status == "approved"
    assert _notices(applicant.user)[-2:] == [
        "endorsement.application.submitted",
        "endorsement.application.decided",
    ]


def test_holders_are_told_when_renewal_is_due_and_when_it_lapsed_once_each(applicant, curator):
    from endorsement.models import RuleSet

    rule_set = RuleSet.objects.filter(category="infant_family_specialist").latest("version")
    endorsement = EndorsementFactory(provider=applicant, category="infant_family_specialist")
    today = timezone.localdate()
    EndorsementTerm.objects.create(
        endorsement=endorsement,
        rule_set=rule_set,
        first_issued_on=today - datetime.timedelta(days=400),
        due_on=today - datetime.timedelta(days=1),
    )
    assert terms_tell_due(today=today) == 1
    terms_tell_due(today=today)
    assert _notices(applicant.user) == ["endorsement.renewal.due"]
    terms_lapse_overdue(today=today + datetime.timedelta(days=rule_set.grace_days + 1))
    terms_lapse_overdue(today=today + datetime.timedelta(days=rule_set.grace_days + 2))
    assert _notices(applicant.user) == ["endorsement.renewal.due", "endorsement.renewal.lapsed"]


# --- words, not codes ------------------------------------------------------------------


def test_public_verification_and_application_status_read_as_words_in_the_readers_language(client):
    endorsement = EndorsementFactory(credential_number="MI-IFS-E000777", category="infant_family_specialist")
    english = client.get("/verify/?credential=MI-IFS-E000777").content.decode()
    assert "Infant Family Specialist (IMH-E®)" in english and ">Verified<" in english
    assert ">infant_family_specialist<" not in english and ">verified<" not in english
    spanish = client.get("/verify/?credential=MI-IFS-E000777&lang=es").content.decode()
    assert ">Verificada<" in spanish
    del endorsement


def test_application_status_reads_as_words(applicant, client):
    me = as_user(applicant.user)
    app = open_application(me)
    Application.objects.filter(pk=app["id"]).update(status="in_review")
    client.force_login(applicant.user)
    page = client.get(f"/endorsement/applications/{app['id']}/?lang=es").content.decode()
    assert "En revisión" in page and ">in_review<" not in page
    portfolio = client.get("/endorsement/?lang=es").content.decode()
    assert "En revisión" in portfolio and "in_review<" not in portfolio
    assert me.get(f"/api/v1/endorsement/applications/{app['id']}/").json()["status_label"] == "In review"
