"""The inbound webhook (``POST /api/v1/sms/inbound/``) answers only the text provider:
the shared secret or Twilio's signature. No session or token, whoever's, stops someone
else's texts (the IDOR walk), and bad input is a 400 that names its code."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from outbox.models import TextOptOut
from referral_hub.sms import twilio_signature
from tests.routes import ROLE_USERNAMES
from tests.texts.conftest import NUMBER, SECRET, reply

pytestmark = pytest.mark.django_db

URL = "/api/v1/sms/inbound/"


def test_without_the_secret_the_webhook_refuses(texts, client):
    for secret in ("", "wrong-secret", SECRET + "x"):
        response = reply(client, "STOP", secret=secret)
        assert response.status_code == 403
        assert response.json()["code"] == "webhook_forbidden"
    assert not TextOptOut.objects.exists()


def test_with_no_secret_configured_every_call_is_refused(texts, client, settings):
    settings.SMS_INBOUND_SECRET = ""
    response = reply(client, "STOP", secret="")
    assert response.status_code == 403
    response = client.post(
        URL,
        data={"from": NUMBER, "body": "STOP"},
        content_type="application/json",
        headers={"Authorization": "Bearer "},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"from": "not a number", "body": "STOP"}, "invalid_number"),
        ({"from": "+1555", "body": "STOP"}, "invalid_number"),
        ({"body": "STOP"}, "invalid_number"),
        ({"from": ["+13135550142"], "body": "STOP"}, "invalid_number"),
        ({"from": NUMBER, "body": {"text": "STOP"}}, "invalid_body"),
        ({"from": NUMBER, "body": "x" * 2000}, "invalid_body"),
    ],
)
def test_bad_input_is_a_400_with_a_code(payload, code, texts, client):
    response = client.post(
        URL, data=payload, content_type="application/json", headers={"Authorization": f"Bearer {SECRET}"}
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert not TextOptOut.objects.exists()


def test_a_national_number_is_read_as_e164(texts, client):
    assert reply(client, "STOP", number="(313) 555-0142").json() == {"action": "stopped"}
    assert TextOptOut.objects.get().number == NUMBER


def _form(client, params, signature):
    """As Twilio posts: form-encoded, signed."""
    return client.post(
        URL,
        data=urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature},
    )


def test_twilio_signed_form_posts_are_accepted_and_bad_signatures_refused(texts, client, settings):
    settings.SMS_INBOUND_SECRET = ""
    settings.TWILIO_AUTH_TOKEN = "twilio-token"
    settings.SITE_URL = "https://hub.example.org"
    params = {"From": NUMBER, "Body": "Alto", "MessageSid": "SM123", "To": "+13135550100"}
    good = twilio_signature("https://hub.example.org" + URL, params, "twilio-token")
    bad = _form(client, params, good[:-2] + "AA")
    assert bad.status_code == 403
    response = _form(client, params, good)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/xml")  # Twilio reads TwiML back
    assert b"<Response></Response>" in response.content
    assert TextOptOut.objects.get(number=NUMBER).stopped
    # The same signature over other fields (a replayed signature, a changed number) fails.
    forged = _form(client, {**params, "From": "+13135550177"}, good)
    assert forged.status_code == 403


@pytest.mark.parametrize("role", sorted(ROLE_USERNAMES))
def test_no_signed_in_person_can_stop_someone_elses_texts(role, demo, texts, client):
    """The IDOR walk: every demo role, by session and by token, posts STOP for another
    family's number without the provider's secret: refused, and nothing stops."""
    user = User.objects.get(username=ROLE_USERNAMES[role])
    client.force_login(user)
    by_session = client.post(URL, data={"from": NUMBER, "body": "STOP"}, content_type="application/json")
    token = Token.objects.get_or_create(user=user)[0].key
    by_token = client.post(
        URL,
        data={"from": NUMBER, "body": "STOP"},
        content_type="application/json",
        headers={"Authorization": f"Token {token}"},
    )
    assert (by_session.status_code, by_token.status_code) == (403, 403)
    assert not TextOptOut.objects.exists()


def test_the_webhook_is_in_the_api_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/sms/inbound/"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][body]["properties"]) == {"from", "body"}
    assert {"200", "400", "403"} <= set(operation["responses"])
