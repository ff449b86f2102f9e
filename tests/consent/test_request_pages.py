"""The guardian's side of a consent request in the portal: the notice on "My family",
the request page with what would be signed, a wrong password kept on the page, signing
and declining; nobody else gets in."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from consent.models import Consent, ConsentRequest
from consent.requests import consent_request_create
from tests.factories.base import PASSWORD
from tests.factories.directory import ProviderFactory
from tests.factories.families import GuardianFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(family, grant):
    guardian, child = family
    child.first_name, child.last_name = "Zinnia", "Quillfeather"  # unmistakable on any page
    child.save()
    asker = ProviderFactory(name="Dr. Asking Pediatrician")
    target = ProviderFactory(name="Sam Speech")
    grant(guardian, child, provider=asker)
    request = consent_request_create(
        actor=asker.user,
        child_id=child.pk,
        provider_id=target.pk,
        purposes=["referral"],
        data_categories=["demographics", "screening_results"],
        note="For a speech evaluation.",
    )
    return guardian, child, asker, target, request


def test_the_portal_shows_the_request_and_the_guardian_signs_it(asked, client):
    guardian, child, asker, target, request = asked
    client.force_login(guardian.user)
    portal = client.get("/portal/").content.decode()
    assert "Dr. Asking Pediatrician asks you to share" in portal
    assert f"/portal/consent-requests/{request.pk}/" in portal

    page = client.get(f"/portal/consent-requests/{request.pk}/").content.decode()
    for text in ("Sam Speech", "Referral", "Screening results", "For a speech evaluation.", "Sign and share"):
        assert text in page
    assert "screening_results" not in page.replace('value="screening_results"', "")

    wrong = client.post(
        f"/portal/consent-requests/{request.pk}/", {"action": "sign", "password": "nope", "expires_on": ""}
    )
    assert wrong.status_code == 400
    assert 'id="password-error"' in wrong.content.decode()
    assert ConsentRequest.objects.get(pk=request.pk).status == "pending"

    signed = client.post(f"/portal/consent-requests/{request.pk}/", {"action": "sign", "password": PASSWORD})
    assert signed.status_code == 302 and signed["Location"] == "/portal/"
    follow = client.get("/portal/").content.decode()
    assert "Signed. Sam Speech may now see what you agreed to share." in follow
    assert "asks you to share" not in follow
    assert Consent.objects.filter(recipient_provider=target, child=child, revoked_at__isnull=True).exists()


def test_the_guardian_declines_in_the_portal(asked, client):
    guardian, child, asker, target, request = asked
    client.force_login(guardian.user)
    response = client.post(
        f"/portal/consent-requests/{request.pk}/", {"action": "decline", "reason": "Not now"}
    )
    assert response.status_code == 302
    assert ConsentRequest.objects.get(pk=request.pk).status == "declined"
    assert not Consent.objects.filter(recipient_provider=target).exists()
    page = client.get(f"/portal/consent-requests/{request.pk}/").content.decode()
    assert "You declined this request." in page and "Sign and share" not in page


def test_nobody_else_opens_or_answers_the_request(asked, client):
    guardian, child, asker, target, request = asked
    url = f"/portal/consent-requests/{request.pk}/"
    for user, status in ((GuardianFactory().user, 404), (asker.user, 403), (target.user, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.post(url, {"action": "sign", "password": PASSWORD}).status_code == status
        assert child.first_name not in client.get(url).content.decode()
    client.logout()
    assert client.get(url).status_code == 302
    assert ConsentRequest.objects.get(pk=request.pk).status == "pending"


def test_the_request_page_in_spanish(asked, client):
    guardian, *_rest, request = asked
    client.force_login(guardian.user)
    page = client.get(f"/portal/consent-requests/{request.pk}/?lang=es").content.decode()
    assert "Una solicitud para compartir" in page
    assert "Firmar y compartir" in page


def test_another_familys_guardian_is_refused_and_the_refusal_is_in_the_childs_log(asked, client):
    guardian, child, asker, target, request = asked
    stranger = GuardianFactory().user
    client.force_login(stranger)
    assert client.get(f"/portal/consent-requests/{request.pk}/").status_code == 404
    assert client.get("/portal/consent-requests/999999999/").status_code == 404
    refused = AuditEvent.objects.filter(actor=stranger, outcome="denied", object_type="consent_request")
    assert {(e.object_id, e.child_id, e.action) for e in refused} == {
        (str(request.pk), child.pk, "view"),
        ("999999999", None, "view"),
    }


# --- one input per answer: the page binds the API's forms ------------------------------


def test_a_decline_reason_over_the_limit_is_refused_beside_it_and_kept(asked, client, api_client):
    guardian, child, asker, target, request = asked
    reason = "We would rather wait. " * 46 + "!"  # 1,013 characters
    assert len(reason) > 1000
    client.force_login(guardian.user)
    page = client.post(f"/portal/consent-requests/{request.pk}/", {"action": "decline", "reason": reason})
    html = page.content.decode()
    assert page.status_code == 400
    assert 'id="reason-error"' in html and "1000" in html
    assert f">{reason}</textarea>" in html
    api_client.force_authenticate(guardian.user)
    answer = api_client.post(
        f"/api/v1/consent-requests/{request.pk}/decline/", {"reason": reason}, format="json"
    )
    assert (answer.status_code, answer.json()["code"], answer.json()["field"]) == (
        400,
        "invalid_reason",
        "reason",
    )
    assert ConsentRequest.objects.get(pk=request.pk).status == "pending"


def test_a_spanish_speaking_guardian_reads_a_refused_date_in_spanish_beside_it(asked, client):
    from people.preferences import update_preferences

    guardian, child, asker, target, request = asked
    update_preferences(guardian.user, preferred_language="es")
    client.force_login(guardian.user)
    page = client.post(
        f"/portal/consent-requests/{request.pk}/",
        {"action": "sign", "password": PASSWORD, "expires_on": "2026-02-30"},
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert 'id="expires_on-error" role="alert">Introduzca una fecha válida.</span>' in html
    assert ConsentRequest.objects.get(pk=request.pk).status == "pending"
