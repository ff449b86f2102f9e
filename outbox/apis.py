"""``POST /api/v1/sms/inbound/``: the text provider's webhook for replies to our texts
(STOP, BAJA, ALTO end every text to that number; START resumes them; ``outbox.texts``).

Not a person's endpoint: no session or token. The caller proves it is the provider with
the shared secret (``Authorization: Bearer <SMS_INBOUND_SECRET>``) or, for Twilio's
form-encoded webhook, a valid ``X-Twilio-Signature`` under ``TWILIO_AUTH_TOKEN`` (the
URL signed is the site's own link to this path, ``absolute_url``). With neither
configured every call is refused."""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from outbox import texts
from outbox.inputs import InboundTextForm
from referral_hub import sms
from referral_hub.errors import ApplicationError
from referral_hub.inputs import api_data, bind, refusal, schema_of
from referral_hub.sitelinks import absolute_url

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
INPUT_CODES = {"from": ("invalid_number", 400), "body": ("invalid_body", 400)}
ACTIONS = [texts.STOPPED, texts.RESUMED, texts.UNCHANGED, texts.IGNORED, texts.HELPED]


def _bearer_ok(request: Request) -> bool:
    secret = str(settings.SMS_INBOUND_SECRET or "")
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    return bool(secret) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), secret)


def _twilio_ok(request: Request) -> bool:
    token = str(settings.TWILIO_AUTH_TOKEN or "")
    signature = request.headers.get("X-Twilio-Signature", "")
    if (
        not token
        or not signature
        or request.content_type.split(";")[0] != "application/x-www-form-urlencoded"
    ):
        return False
    sent = api_data(request.data)
    params = {key: str(sent.get(key, "")) for key in sent}
    expected = sms.twilio_signature(absolute_url(request.get_full_path()), params, token)
    return hmac.compare_digest(signature, expected)


def _fields(request: Request) -> dict[str, Any]:
    """The JSON body ``{from, body}``, or Twilio's form fields ``From`` and ``Body``."""
    data = api_data(request.data)
    if "from" not in data and "From" in data:
        return {"from": data.get("From"), "body": data.get("Body", "")}
    return {key: data[key] for key in ("from", "body") if key in data}


class SmsInboundApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="A reply to our texts (the text provider's webhook)",
        description="STOP, BAJA or ALTO (any case, spaces and punctuation around it) end "
        "every text to the sender's number and are confirmed by one text; START resumes; HELP, "
        "INFO or AYUDA are answered with who we are and how to stop. "
        "Authenticated by `Authorization: Bearer <SMS_INBOUND_SECRET>` or Twilio's "
        "`X-Twilio-Signature`; refused with 403 `webhook_forbidden` otherwise. A "
        "Twilio-signed form post is answered with empty TwiML (`text/xml`) instead of JSON.",
        request=schema_of(InboundTextForm),
        responses={
            200: inline_serializer(
                "SmsInboundOutput",
                fields={
                    "action": serializers.ChoiceField(
                        ACTIONS,
                        help_text="stopped, resumed, unchanged (already so), helped (HELP answered) or ignored "
                        "(no keyword).",
                    )
                },
            ),
            400: OpenApiResponse(description="`invalid_number` or `invalid_body`"),
            403: OpenApiResponse(description="`webhook_forbidden`: no valid secret or signature"),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response | HttpResponse:
        twilio = _twilio_ok(request)
        if not (_bearer_ok(request) or twilio):
            raise ApplicationError(
                "webhook_forbidden", "This webhook needs the provider's secret or signature.", status=403
            )
        form = bind(InboundTextForm, _fields(request))
        if form.errors:
            raise refusal(form, INPUT_CODES)
        action = texts.text_reply_received(number=form.cleaned_data["from"], body=form.cleaned_data["body"])
        if twilio:
            # Twilio reads the answer as TwiML: an empty one (our confirmation goes
            # through the outbox like every text).
            return HttpResponse(EMPTY_TWIML, content_type="text/xml")
        return Response({"action": action})
