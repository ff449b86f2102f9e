"""Revoking has one input (``consent.forms.RevokeForm``), bound by the page and the API:
a reason the form refuses is refused by both doors alike, nothing is revoked, and the
page keeps what the guardian typed, with the message beside the field in their language."""

from __future__ import annotations

import re
from html import unescape

import pytest

from consent.models import Consent
from people.preferences import update_preferences

pytestmark = pytest.mark.django_db

TOO_LONG = "Moved away. " * 83 + "again"  # 1,001 characters


def _reason_error(html: str) -> str:
    found = re.search(r'<span class="error" id="id_reason-error"[^>]*>(.*?)</span>', html, re.S)
    return unescape(found.group(1)).strip() if found else ""


def test_a_reason_of_1001_characters_is_refused_by_the_api_and_revokes_nothing(
    api_client, family, provider, grant
):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    api_client.force_authenticate(guardian.user)
    assert len(TOO_LONG.strip()) == 1001
    answer = api_client.post(f"/api/v1/consents/{consent.pk}/revoke/", {"reason": TOO_LONG}, format="json")
    body = answer.json()
    assert (answer.status_code, body["code"], body["field"]) == (400, "invalid_reason", "reason")
    assert body["detail"].startswith("reason: ") and "1000" in body["detail"]
    assert Consent.objects.get(pk=consent.pk).revoked_at is None


def test_the_page_refuses_the_same_reason_beside_the_field_and_keeps_it(client, family, provider, grant):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    client.force_login(guardian.user)
    page = client.post(f"/portal/consents/{consent.pk}/revoke/", {"reason": TOO_LONG})
    html = page.content.decode()
    assert page.status_code == 400
    assert "1000" in _reason_error(html)
    assert TOO_LONG.strip() in unescape(html), "what the guardian typed is still in the box"
    assert Consent.objects.get(pk=consent.pk).revoked_at is None


def test_a_spanish_speaking_guardian_reads_the_refusal_in_spanish(client, family, provider, grant):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    update_preferences(guardian.user, preferred_language="es")
    client.force_login(guardian.user)
    page = client.post(f"/portal/consents/{consent.pk}/revoke/", {"reason": TOO_LONG})
    message = _reason_error(page.content.decode())
    assert page.status_code == 400
    assert "caracteres" in message and "1000" in message


def test_a_reason_within_the_limit_is_kept_whole(api_client, family, provider, grant):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    api_client.force_authenticate(guardian.user)
    reason = "  " + "y" * 1000 + "  "
    answer = api_client.post(f"/api/v1/consents/{consent.pk}/revoke/", {"reason": reason}, format="json")
    assert answer.status_code == 200
    assert Consent.objects.get(pk=consent.pk).revoke_reason == "y" * 1000


def test_a_reason_that_is_not_text_is_refused_not_stringified(api_client, family, provider, grant):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    api_client.force_authenticate(guardian.user)
    answer = api_client.post(
        f"/api/v1/consents/{consent.pk}/revoke/", {"reason": ["moved", "away"]}, format="json"
    )
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_reason")
    assert Consent.objects.get(pk=consent.pk).revoked_at is None
