"""Issue 27, "Family next steps": the recipient asks the family to do something (call to
schedule, bring documents, fill in a questionnaire); the family sees it on its referrals
page, in its language, and marks it done; each step is a FHIR Task for the patient with
the SDOH Clinical Care patient-task codes, part of the referral's Task."""

from __future__ import annotations

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.task import Task

from audit.models import AuditEvent
from outbox.models import Channel, OutboxMessage
from referrals.models import NextStep
from tests.factories.directory import ProviderFactory
from tests.factories.families import ChildFactory, FamilyFactory, GuardianFactory
from tests.factories.referrals import send
from tests.referrals.conftest import advance, revoke

pytestmark = pytest.mark.django_db

SDOHCC = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
SDC_TEMP = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp"

CALL = {
    "kind": "make-contact",
    "text_en": "Call the clinic at 734-555-0100 to book the first visit.",
    "text_es": "Llame a la clínica al 734-555-0100 para pedir la primera cita.",
}
FORM = {
    "kind": "complete-questionnaire",
    "text_en": "Fill in the intake questionnaire before the visit.",
    "url": "https://forms.example.org/intake",
    "due_on": "2030-11-20",
}


def _add(as_user, world, referral, body=CALL, who=None):
    return as_user(who or world.recipient.user).post(
        f"/api/v1/referrals/{referral.pk}/steps/", body, format="json"
    )


# --- add, list, mark done: the API --------------------------------------------------------


def test_recipient_adds_a_step_and_the_family_lists_it_in_spanish(world, as_user):
    referral = advance(world, send(world), "accepted")
    response = _add(as_user, world, referral)
    assert response.status_code == 201, response.json()
    step = response.json()
    assert step["kind"] == "make-contact"
    assert step["code_system"] == SDOHCC
    assert step["status"] == "ready"
    assert step["done"] is False

    family = as_user(world.guardian.user)
    listed = family.get(f"/api/v1/referrals/{referral.pk}/steps/", HTTP_ACCEPT_LANGUAGE="es")
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 1
    assert body["results"][0]["text"] == CALL["text_es"]
    assert body["results"][0]["fhir"] == f"/fhir/Task/step-{step['id']}"


def test_a_step_not_done_yet_has_done_by_null_as_the_schema_documents(world, as_user, client):
    """Found by the API fuzz: the schema promised an object where an open step has none."""
    referral = advance(world, send(world), "accepted")
    step = _add(as_user, world, referral).json()
    assert step["done"] is False and step["done_by"] is None
    schema = client.get("/api/schema/?format=json").json()
    assert schema["components"]["schemas"]["StepOutput"]["properties"]["done_by"].get("nullable") is True


def test_the_referrer_may_add_a_step_too(world, as_user):
    referral = send(world)
    assert _add(as_user, world, referral, who=world.referrer.user).status_code == 201


def test_the_family_marks_a_step_done_and_the_providers_see_it(world, as_user):
    referral = advance(world, send(world), "accepted")
    step_id = _add(as_user, world, referral).json()["id"]
    family = as_user(world.guardian.user)
    done = family.post(f"/api/v1/referrals/{referral.pk}/steps/{step_id}/done/", {}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["done"] is True
    assert done.json()["status"] == "completed"
    assert done.json()["done_by"]["id"] == world.guardian.user.pk
    first = done.json()["done_at"]
    # Again: the first time stays.
    again = family.post(f"/api/v1/referrals/{referral.pk}/steps/{step_id}/done/", {}, format="json")
    assert again.json()["done_at"] == first
    seen = as_user(world.recipient.user).get(f"/api/v1/referrals/{referral.pk}/steps/").json()
    assert seen["results"][0]["done"] is True
    undone = family.post(
        f"/api/v1/referrals/{referral.pk}/steps/{step_id}/done/", {"done": False}, format="json"
    )
    assert undone.json()["done"] is False and undone.json()["done_at"] is None


def test_a_questionnaire_step_needs_its_address(world, as_user):
    referral = send(world)
    response = _add(as_user, world, referral, body={**FORM, "url": ""})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_url"
    assert response.json()["field"] == "url"
    bad = _add(as_user, world, referral, body={**CALL, "kind": "call-me"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_kind"
    assert not NextStep.objects.exists()


# --- refusals -----------------------------------------------------------------------------


def test_the_family_cannot_add_and_a_provider_cannot_mark_done(world, as_user):
    referral = send(world)
    refused = _add(as_user, world, referral, who=world.guardian.user)
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"
    step_id = _add(as_user, world, referral).json()["id"]
    for provider in (world.recipient, world.referrer):
        response = as_user(provider.user).post(
            f"/api/v1/referrals/{referral.pk}/steps/{step_id}/done/", {}, format="json"
        )
        assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    assert NextStep.objects.get(pk=step_id).done_at is None


def test_another_family_and_a_provider_outside_the_referral_get_404(world, as_user):
    referral = send(world)
    step_id = _add(as_user, world, referral).json()["id"]
    other_family = GuardianFactory(family=FamilyFactory())
    ChildFactory(family=other_family.family)
    outsider = ProviderFactory()
    for user in (other_family.user, outsider.user):
        client = as_user(user)
        assert client.get(f"/api/v1/referrals/{referral.pk}/steps/").json()["code"] == "not_found"
        marked = client.post(f"/api/v1/referrals/{referral.pk}/steps/{step_id}/done/", {}, format="json")
        assert marked.status_code == 404 and marked.json()["code"] == "not_found"
        assert _add(as_user, world, referral, who=user).status_code == 404
        assert client.get(f"/fhir/Task/step-{step_id}").status_code == 404
    assert as_user(None).get(f"/api/v1/referrals/{referral.pk}/steps/").status_code in (401, 403)
    assert NextStep.objects.get(pk=step_id).done_at is None
    # The refused attempts are in the child's access log.
    assert AuditEvent.objects.filter(child_id=world.child.pk, outcome="denied").count() >= 4


def test_a_step_of_another_referral_is_not_found_under_this_one(world, as_user):
    first, second = send(world), send(world, reason="A second referral.")
    step_id = _add(as_user, world, first).json()["id"]
    response = as_user(world.guardian.user).post(
        f"/api/v1/referrals/{second.pk}/steps/{step_id}/done/", {}, format="json"
    )
    assert response.status_code == 404


def test_no_new_step_once_the_referral_is_closed(world, as_user):
    referral = advance(world, send(world), "completed")
    response = _add(as_user, world, referral)
    assert response.status_code == 409 and response.json()["code"] == "referral_closed"


def test_a_provider_whose_consent_ended_no_longer_reads_or_adds_steps(world, as_user):
    referral = send(world)
    _add(as_user, world, referral)
    revoke(world, world.consents["referrer"])
    client = as_user(world.referrer.user)
    listed = client.get(f"/api/v1/referrals/{referral.pk}/steps/")
    assert listed.status_code == 403 and listed.json()["code"] == "consent_required"
    assert _add(as_user, world, referral, who=world.referrer.user).json()["code"] == "consent_required"


# --- the family is told ------------------------------------------------------------------


def test_the_family_is_told_of_a_new_step_without_details_in_the_email(world, as_user):
    world.guardian.user.email = "parent@example.org"
    world.guardian.user.save()
    referral = send(world)
    step_id = _add(as_user, world, referral).json()["id"]
    rows = OutboxMessage.objects.filter(key__startswith=f"referral:{referral.pk}:step:{step_id}:")
    notice = rows.get(channel=Channel.IN_APP)
    assert notice.kind == "referral.step_added"
    assert notice.payload["step_kind"] == "make-contact"
    email = rows.get(channel=Channel.EMAIL)
    text = email.subject + email.body
    for detail in (world.child.first_name, CALL["text_en"], "734-555-0100", world.recipient.name):
        assert detail not in text
    assert "/portal/referrals/" in email.body

    notices = as_user(world.guardian.user).get("/api/v1/notices/").json()["results"]
    assert any("Get in touch to make an appointment" in n["title"] for n in notices)


# --- FHIR ----------------------------------------------------------------------------------


def test_each_step_is_a_valid_fhir_task_for_the_patient_with_the_sdohcc_code(world, as_user):
    referral = advance(world, send(world), "accepted")
    call_id = _add(as_user, world, referral).json()["id"]
    form_id = _add(as_user, world, referral, body=FORM).json()["id"]
    as_user(world.guardian.user).post(
        f"/api/v1/referrals/{referral.pk}/steps/{call_id}/done/", {}, format="json"
    )

    response = as_user(world.referrer.user).get(f"/fhir/Task/step-{call_id}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    task = Task.model_validate(response.json())
    assert task.code.coding[0].system == SDOHCC and task.code.coding[0].code == "make-contact"
    assert task.status == "completed"
    assert task.intent == "order"
    assert task.for_fhir.reference == f"Patient/{world.child.pk}"
    assert task.partOf[0].reference == f"Task/{referral.pk}"
    assert task.basedOn[0].reference == f"ServiceRequest/{referral.pk}"
    # SDOH-Task-4: make-contact names whom to contact.
    assert task.input[0].type.coding[0].code == "contact-entity"
    assert task.input[0].valueReference.reference == f"Practitioner/{world.recipient.pk}"

    questionnaire = Task.model_validate(as_user(world.guardian.user).get(f"/fhir/Task/step-{form_id}").json())
    assert questionnaire.status == "ready"
    # complete-questionnaire is SDC's code; SDOH-Task-1 asks for its address and category.
    assert questionnaire.code.coding[0].system == SDC_TEMP
    assert questionnaire.code.coding[0].code == "complete-questionnaire"
    kinds = {i.type.coding[0].code for i in questionnaire.input}
    assert kinds == {"questionnaire-url", "questionnaire-category"}
    assert str(questionnaire.restriction.period.end) == "2030-11-20"

    bundle = Bundle.model_validate(
        as_user(world.recipient.user).get("/fhir/Task", {"part-of": f"Task/{referral.pk}"}).json()
    )
    assert bundle.type == "searchset" and bundle.total == 2
    assert {e.resource.id for e in bundle.entry} == {f"step-{call_id}", f"step-{form_id}"}
    assert as_user(world.recipient.user).get("/fhir/Task", {"part-of": "Patient/1"}).json()["code"] == (
        "invalid_parameter"
    )


# --- the pages -----------------------------------------------------------------------------


def test_recipient_adds_a_step_on_the_referral_page_and_the_family_marks_it_done_on_theirs(world):
    referral = advance(world, send(world), "accepted")
    provider = Client()
    provider.force_login(world.recipient.user)
    page = provider.get(f"/referrals/{referral.pk}/")
    assert "Ask the family to do something" in page.content.decode()
    refused = provider.post(f"/referrals/{referral.pk}/steps/new/", {**FORM, "url": ""})
    assert refused.status_code == 400
    assert "Give the questionnaire&#x27;s address." in refused.content.decode()
    added = provider.post(f"/referrals/{referral.pk}/steps/new/", CALL)
    assert added.status_code == 302
    step = NextStep.objects.get(referral=referral)

    family = Client()
    family.force_login(world.guardian.user)
    portal = family.get("/portal/referrals/?lang=es", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert CALL["text_es"] in portal
    assert f'id="step-{step.pk}"' in portal
    done = family.post(f"/portal/referrals/steps/{step.pk}/done/", {"done": "true"}, follow=True)
    assert done.status_code == 200
    step.refresh_from_db()
    assert step.done_at is not None and step.done_by == world.guardian.user
    assert "Marked as done" in done.content.decode()


def test_a_provider_cannot_mark_a_step_done_from_the_family_page(world):
    referral = send(world)
    step = NextStep.objects.create(
        referral=referral,
        kind="general-information",
        text_en="Bring the insurance card.",
        created_by=world.recipient.user,
        created_at=referral.sent_at,
    )
    provider = Client()
    provider.force_login(world.recipient.user)
    assert provider.post(f"/portal/referrals/steps/{step.pk}/done/", {"done": "true"}).status_code == 403
    stranger = Client()
    stranger.force_login(GuardianFactory(family=FamilyFactory()).user)
    assert stranger.post(f"/portal/referrals/steps/{step.pk}/done/", {"done": "true"}).status_code == 404
    step.refresh_from_db()
    assert step.done_at is None
