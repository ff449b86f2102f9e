"""Issue 25, smaller item: "Ask for help" without an account. The request carries no
child record and goes only to the care coordinators, who call back; nothing reaches a
provider until the family has an account and signs. The form is throttled."""

from __future__ import annotations

import pytest
from django.test import override_settings

from intake.models import FamilyRequest, Stage
from referrals.models import Referral

pytestmark = pytest.mark.django_db

FORM = {
    "contact_name": "Ana Zebrafinch",
    "concern": "Mi bebé llora todo el día y no sé a quién llamar.",
    "contact_method": "phone",
    "phone": "313-555-0166",
    "email": "",
    "preferred_language": "es",
    "best_time_slots": ["mornings"],
    "best_times": "antes de las 10",
    "agree": "on",
    "website": "",
}


def test_a_family_without_an_account_asks_and_a_coordinator_calls_back(demo, client):
    referrals = Referral.objects.count()
    page = client.post("/help/ask/?lang=es", FORM)
    assert page.status_code == 200, page.content.decode()[-2000:]
    assert "Ana Zebrafinch" in page.content.decode()
    asked = FamilyRequest.objects.get(contact_name="Ana Zebrafinch")
    assert asked.child_id is None and asked.requested_by_id is None and asked.via_coordinator
    assert asked.phone == "+13135550166" and asked.stage == Stage.QUEUED
    assert Referral.objects.count() == referrals  # nothing to any provider

    client.force_login(demo["users"]["coordinator"])
    queue = client.get("/coordination/?lang=en").content.decode()
    assert "Ana Zebrafinch" in queue and "(313) 555-0166" in queue
    item = client.get(f"/coordination/{asked.pk}/?lang=en").content.decode()
    assert "No account yet" in item and "Call back" in item
    # A provider cannot be chosen: no child, no consent.
    routed = client.post(f"/coordination/{asked.pk}/?lang=en", {"to_provider": demo["providers"]["slp"].pk})
    assert routed.status_code == 200 and "asked without an account" in routed.content.decode()
    asked.refresh_from_db()
    assert asked.stage == Stage.QUEUED and asked.provider_id is None
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(demo["users"]["coordinator"])
    answer = api.post(
        f"/api/v1/coordination/queue/{asked.pk}/route/",
        {"to_provider": demo["providers"]["slp"].pk},
        format="json",
    )
    assert answer.status_code == 409 and answer.json()["code"] == "account_needed"
    listed = api.get("/api/v1/coordination/queue/").json()["results"]
    row = next(r for r in listed if r["id"] == asked.pk)
    assert row["child"] is None and row["contact_name"] == "Ana Zebrafinch"

    closed = client.post(f"/coordination/{asked.pk}/", {"action": "close"})
    assert closed.status_code == 302
    asked.refresh_from_db()
    assert asked.stage == Stage.CLOSED


def test_the_form_says_what_is_missing_beside_the_field_and_keeps_what_was_typed(demo, client):
    page = client.post("/help/ask/?lang=en", {**FORM, "phone": "", "agree": ""})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Tick this box so a care coordinator may contact you." in html
    assert "Mi bebé llora todo el día" in html and "Ana Zebrafinch" in html
    assert not FamilyRequest.objects.filter(contact_name="Ana Zebrafinch").exists()
    page = client.post("/help/ask/?lang=en", {**FORM, "phone": ""})
    assert page.status_code == 400
    assert "Enter a phone number so they can call or text you" in page.content.decode()


@override_settings(REGISTRATION_RATE="2/hour")
def test_the_form_is_throttled_and_a_robot_stores_nothing(demo, client):
    from django.core.cache import cache

    cache.clear()
    robot = client.post("/help/ask/", {**FORM, "website": "http://spam.example"})
    assert robot.status_code == 200
    assert not FamilyRequest.objects.filter(contact_name="Ana Zebrafinch").exists()
    assert client.post("/help/ask/", FORM).status_code == 200
    third = client.post("/help/ask/?lang=en", {**FORM, "contact_name": "Third"})
    assert third.status_code == 429
    assert "Too many requests" in third.content.decode()
    assert not FamilyRequest.objects.filter(contact_name="Third").exists()
