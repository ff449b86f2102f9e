"""The text backends: the file backend (one JSON line per text), the console default,
and Twilio's REST API, spoken to a real local HTTP server standing in for Twilio."""

from __future__ import annotations

import base64
import http.server
import json
import threading
import urllib.parse

import pytest

from outbox.models import OutboxMessage
from outbox.services import outbox_deliver_due, outbox_text
from referral_hub import sms
from tests.texts.conftest import NUMBER


class _Twilio(http.server.BaseHTTPRequestHandler):
    answers: list[int] = []
    seen: list[dict[str, object]] = []

    def do_POST(self) -> None:  # noqa: N802  # http.server's name
        length = int(self.headers["Content-Length"])
        fields = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        self.seen.append({"path": self.path, "auth": self.headers["Authorization"], "fields": fields})
        status = self.answers.pop(0) if self.answers else 201
        body = json.dumps({"sid": "SM1", "status": "queued"} if status == 201 else {"code": 21211}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def twilio(settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Twilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Twilio.seen, _Twilio.answers = [], []
    settings.SMS_BACKEND = "referral_hub.sms.TwilioBackend"
    settings.SMS_QUIET_HOURS = "off"
    settings.TWILIO_API_BASE = f"http://127.0.0.1:{server.server_port}"
    settings.TWILIO_ACCOUNT_SID = "AC123"
    settings.TWILIO_AUTH_TOKEN = "secret-token"
    settings.TWILIO_FROM_NUMBER = "+13135550100"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    yield _Twilio
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_twilio_gets_the_text_and_a_refusal_is_retried(twilio):
    twilio.answers = [500]
    outbox_text(key="t:1", to_number=NUMBER, body="Referral Hub: news.", kind="referral.family_update")
    outbox_deliver_due()
    row = OutboxMessage.objects.get(key="t:1")
    assert (row.status, row.attempts) == ("pending", 1)
    assert "Twilio answered 500" in row.last_error
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    outbox_deliver_due()
    row.refresh_from_db()
    assert row.status == "sent"
    last = twilio.seen[-1]
    assert last["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
    assert last["fields"] == {"To": NUMBER, "From": "+13135550100", "Body": "Referral Hub: news."}
    assert base64.b64decode(str(last["auth"]).split()[1]).decode() == "AC123:secret-token"


def test_nothing_touches_the_network_until_a_text_is_sent(settings):
    settings.SMS_BACKEND = "referral_hub.sms.TwilioBackend"
    settings.TWILIO_API_BASE = "http://127.0.0.1:9"  # nothing listens: only send() finds out
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM_NUMBER = "AC1", "t", "+1"
    backend = sms.get_backend()  # built without a connection
    with pytest.raises(sms.SmsSendError):
        backend.send(to=NUMBER, body="x", reference="r")


def test_the_file_backend_writes_one_json_line_per_text(settings, tmp_path):
    settings.SMS_FILE_PATH = str(tmp_path / "t.jsonl")
    backend = sms.FileBackend()
    backend.send(to=NUMBER, body="one", reference="a")
    backend.send(to=NUMBER, body="two", reference="b")
    lines = [json.loads(x) for x in (tmp_path / "t.jsonl").read_text().splitlines()]
    assert [(x["to"], x["body"]) for x in lines] == [(NUMBER, "one"), (NUMBER, "two")]


def test_the_console_backend_is_the_default(settings, capsys):
    assert settings.SMS_BACKEND == "referral_hub.sms.ConsoleBackend"
    assert isinstance(sms.get_backend(), sms.ConsoleBackend)
    sms.ConsoleBackend().send(to=NUMBER, body="hello", reference="r")
    assert "hello" in capsys.readouterr().out
