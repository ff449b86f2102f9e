"""Issue 25, item 1: a family that asks for help can be reached. The form collects how
and when (method, phone, e-mail, language, best times); whoever must make first contact
reads them (the provider the referral went to, the care coordinator holding the
request), under the consent the family signed, and nobody else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from consent.models import Consent
from consent.services import consent_revoke
from intake.models import FamilyRequest

pytestmark = pytest.mark.django_db

PHONE_TYPED = "313-555-0142"
PHONE_E164 = "+13135550142"
PHONE_SHOWN = "(313) 555-0142"


def client_for(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    return client


def ask(world, provider="imh_clinician", username="guardian_es", child="sofia", **extra):
    body = {
        "child": world["children"][child].pk,
        "provider": world["providers"][provider].pk if provider else None,
        "concern": "No duerme y llora mucho.",
        "preferred_language": "es",
        "contact_method": "phone",
        "phone": PHONE_TYPED,
        "best_times": "Después de las 4",
        "best_time_slots": ["afternoons"],
        "password": world["password"],
        **extra,
    }
    return client_for(username).post("/api/v1/requests/", body, format="json")


def test_the_provider_reads_how_and_when_to_reach_the_family_in_the_page_and_the_api(demo, client):
    answer = ask(demo)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["phone"] == PHONE_E164 and body["email"] == "guardian_es@demo.invalid"
    request = FamilyRequest.objects.get(pk=body["id"])
    assert request.phone == PHONE_E164

    detail = client_for("imh_clinician").get(f"/api/v1/referrals/{body['referral']}/").json()
    assert detail["family_contact"] == {
        "name": "Carmen Morales",
        "method": "phone",
        "method_label": "Phone call",
        "phone": PHONE_E164,
        "phone_display": PHONE_SHOWN,
        "email": "guardian_es@demo.invalid",
        "language": "es",
        "language_label": "Spanish",
        "best_times": "Después de las 4",
        "best_time_slots": ["afternoons"],
        "best_time_labels": ["Afternoons"],
    }

    client.force_login(demo["users"]["imh_clinician"])
    html = client.get(f"/referrals/{body['referral']}/?lang=en").content.decode()
    contact = html[html.index('id="first-contact"') :]
    contact = contact[: contact.index("</dl>")]
    for shown in ("First contact by", "Carmen Morales", "Phone call", PHONE_SHOWN, "Spanish", "Afternoons"):
        assert shown in contact, shown
    assert f'href="tel:{PHONE_E164}"' in contact


def test_the_signed_authorization_says_the_contact_details_are_shared(demo):
    body = ask(demo).json()
    consent = Consent.objects.get(pk=body["consent"])
    assert "teléfono" in consent.signed_text and "correo electrónico" in consent.signed_text
    english = ask(demo, provider="social_worker", preferred_language="en").json()
    text = Consent.objects.get(pk=english["consent"]).signed_text
    assert "how to reach you" in text and "phone number" in text


def test_the_coordinator_reads_the_contact_details_of_a_queued_request(demo, client):
    body = ask(demo, provider=None, contact_method="text", username="guardian", child="lucia").json()
    item = client_for("coordinator").get(f"/api/v1/coordination/queue/{body['id']}/").json()
    assert item["phone"] == PHONE_E164 and item["phone_display"] == PHONE_SHOWN
    assert item["preferred_language_label"] == "Spanish" and item["best_time_slots"] == ["afternoons"]
    client.force_login(demo["users"]["coordinator"])
    for url in ("/coordination/?lang=en", f"/coordination/{body['id']}/?lang=en"):
        html = client.get(url).content.decode()
        assert PHONE_SHOWN in html and "Text message" in html, url


def test_a_phone_is_needed_to_be_called_or_texted_and_must_be_a_real_number(demo):
    missing = ask(demo, phone="")
    assert missing.status_code == 400
    assert missing.json()["code"] == "phone_required" and missing.json()["field"] == "phone"
    wrong = ask(demo, phone="555-01")
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid_phone" and wrong.json()["field"] == "phone"
    assert not FamilyRequest.objects.filter(phone__in=["", "555-01"], contact_method="phone").exists()
    by_email = ask(demo, contact_method="email", phone="")
    assert by_email.status_code == 201, by_email.content


def test_nobody_else_reads_them_and_the_recipient_loses_them_with_the_consent(demo, client):
    body = ask(demo).json()
    referral = body["referral"]
    for username in ("pediatrician", "slp", "outsider", "coordinator", "curator"):
        response = client_for(username).get(f"/api/v1/referrals/{referral}/")
        assert PHONE_E164 not in response.content.decode(), username
    guardian = demo["users"]["guardian_es"]
    consent_revoke(actor=guardian, consent_id=body["consent"], reason="test")
    after = client_for("imh_clinician").get(f"/api/v1/referrals/{referral}/")
    assert after.json().get("family_contact") is None
    assert PHONE_E164 not in after.content.decode()
    client.force_login(demo["users"]["imh_clinician"])
    assert PHONE_SHOWN not in client.get(f"/referrals/{referral}/").content.decode()
