"""Finding 11: a NUL byte or invalid Unicode anywhere in a request is a 400
``invalid_parameter`` (JSON for the API, the 400 page for people), checked in one place
before any view runs: never a 500, and nothing half-done."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User

from consent.models import Consent

pytestmark = pytest.mark.django_db

INVALID = {
    "detail": "The request contains invalid text (a NUL byte or invalid Unicode).",
    "code": "invalid_parameter",
}


def test_a_nul_in_a_search_is_a_400_not_a_500(world, api_client):
    api_client.force_authenticate(world.referrer.user)
    answer = api_client.get("/api/v1/referrals/recipients/?q=%00")
    assert (answer.status_code, answer.json()) == (400, INVALID)


def test_a_nul_in_a_revoke_reason_is_refused_and_revokes_nothing(world, api_client):
    consent = world.consents["recipient"]
    api_client.force_authenticate(world.guardian.user)
    answer = api_client.post(
        f"/api/v1/consents/{consent.pk}/revoke/", {"reason": "moved\x00away"}, format="json"
    )
    assert (answer.status_code, answer.json()) == (400, INVALID)
    assert Consent.objects.get(pk=consent.pk).revoked_at is None


@pytest.mark.parametrize(
    "body",
    [
        '{"reason": "\\ud800 lone high surrogate"}',
        '{"reason\\u0000": "a NUL in a key"}',
        '{"reason": ["nested", {"deeper": "\\udfff"}]}',
    ],
)
def test_invalid_unicode_in_json_is_refused(world, api_client, body):
    api_client.force_authenticate(world.guardian.user)
    consent = world.consents["recipient"]
    answer = api_client.generic(
        "POST", f"/api/v1/consents/{consent.pk}/revoke/", body, content_type="application/json"
    )
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_parameter")


def test_invalid_utf8_in_a_form_or_query_is_refused(client):
    page = client.post(
        "/accounts/login/", "username=ali%FFce&password=x", content_type="application/x-www-form-urlencoded"
    )
    assert page.status_code == 400
    assert client.get("/?q=caf%C3").status_code == 400


def test_people_get_the_400_page_in_the_app_layout(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "long-passphrase-42"))
    page = client.get("/admin/audit/auditevent/?action=%00")
    html = page.content.decode()
    assert page.status_code == 400
    assert "We could not read that request" in html and "Referral Hub" in html
    client.logout()
    form = client.post("/accounts/login/", {"username": "root\x00", "password": "x"})
    assert form.status_code == 400 and "We could not read that request" in form.content.decode()


def test_a_nul_in_the_path_is_refused(client, api_client):
    assert client.get("/providers/%00/").status_code == 400
    answer = api_client.get("/api/v1/providers/%00/")
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_parameter")


def test_ordinary_text_passes(world, api_client):
    api_client.force_authenticate(world.guardian.user)
    consent = world.consents["recipient"]
    answer = api_client.post(
        f"/api/v1/consents/{consent.pk}/revoke/",
        json.loads('{"reason": "Nos mudamos — \\u00a1gracias! \\ud83d\\ude42"}'),
        format="json",
    )
    assert answer.status_code == 200
