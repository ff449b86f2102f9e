"""A referral exported as FHIR R4 ServiceRequest + Task, validated with fhir.resources."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from referrals.fhir import TASK_STATUS
from tests.factories.referrals import send
from tests.referrals.conftest import PATH_TO, advance

pytestmark = pytest.mark.django_db


def test_service_request_is_valid_r4_and_names_the_parties(world, as_user):
    referral = send(world)
    response = as_user(world.referrer.user).get(f"/fhir/ServiceRequest/{referral.pk}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    resource = ServiceRequest.model_validate(response.json())
    assert resource.status == "active"
    assert resource.intent == "order"
    assert resource.priority == "urgent"  # our "soon"
    assert resource.subject.reference == f"Patient/{world.child.pk}"
    assert resource.requester.reference == f"Practitioner/{world.referrer.pk}"
    assert resource.performer[0].reference == f"Practitioner/{world.recipient.pk}"
    assert "ASQ:SE-2" in resource.note[0].text


@pytest.mark.parametrize("status", list(PATH_TO))
def test_task_status_follows_ours(world, as_user, status):
    referral = advance(world, send(world), status)
    response = as_user(world.referrer.user).get(f"/fhir/Task/{referral.pk}")
    task = Task.model_validate(response.json())
    assert task.status == TASK_STATUS[status]
    assert task.focus.reference == f"ServiceRequest/{referral.pk}"
    assert task.for_fhir.reference == f"Patient/{world.child.pk}"
    assert task.requester.reference == f"Practitioner/{world.referrer.pk}"
    assert task.owner.reference == f"Practitioner/{world.recipient.pk}"


def test_task_output_carries_the_outcome(world, as_user):
    referral = advance(world, send(world), "completed")
    task = Task.model_validate(as_user(world.guardian.user).get(f"/fhir/Task/{referral.pk}").json())
    assert task.status == "completed"
    assert task.output[0].valueCodeableConcept.coding[0].code == "connected"


def test_a_declined_task_gives_the_reason(world, as_user):
    referral = advance(world, send(world), "declined")
    task = Task.model_validate(as_user(world.referrer.user).get(f"/fhir/Task/{referral.pk}").json())
    assert task.status == "rejected"
    assert task.statusReason.coding[0].code == "no_capacity"
