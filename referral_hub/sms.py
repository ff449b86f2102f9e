"""Text messages (SMS): the backends that hand a text to a carrier, the quiet hours, and
the reply keywords (STOP, BAJA, ALTO, START).

A text is never sent from here directly: the outbox (``outbox.services.outbox_text``)
stores it in the writer's transaction and its sender calls ``get_backend().send`` once
the row is due. ``SMS_BACKEND`` names the backend by dotted path:

- ``referral_hub.sms.ConsoleBackend`` (the default): prints each text, sends nothing;
- ``referral_hub.sms.FileBackend``: appends one JSON line per text to ``SMS_FILE_PATH``
  (``{"to", "body", "reference", "sent_at"}``), for tests and demos;
- ``referral_hub.sms.TwilioBackend``: Twilio's Messages REST API over HTTPS with the
  standard library (optional: needs ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN`` and a
  sender, ``TWILIO_FROM_NUMBER`` or ``TWILIO_MESSAGING_SERVICE_SID``). Nothing touches
  the network at import or construction; only ``send`` does.

A backend's ``send`` raises on any failure; the outbox then retries the row with the
same backoff as e-mail."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
import threading
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import zoneinfo
from datetime import datetime, time, timedelta
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str, reference: str) -> None:
        """Hand one text to ``to`` (E.164) or raise. ``reference`` is stable per outbox row
        (a carrier that takes an idempotency key can drop a repeat)."""


class ConsoleBackend:
    """Prints each text to standard output (the embedded default: nothing leaves)."""

    def send(self, *, to: str, body: str, reference: str) -> None:
        sys.stdout.write(f"--- text to {to} ({reference})\n{body}\n---\n")
        sys.stdout.flush()


_file_lock = threading.Lock()


class FileBackend:
    """Appends one JSON line per text to ``SMS_FILE_PATH`` (tests and demos read it)."""

    def send(self, *, to: str, body: str, reference: str) -> None:
        path = str(getattr(settings, "SMS_FILE_PATH", "") or "")
        if not path:
            raise ImproperlyConfigured("SMS_FILE_PATH must be set for referral_hub.sms.FileBackend")
        line = json.dumps(
            {"to": to, "body": body, "reference": reference, "sent_at": timezone.now().isoformat()},
            ensure_ascii=False,
        )
        with _file_lock, open(path, "a", encoding="utf-8") as out:
            out.write(line + "\n")


class SmsSendError(Exception):
    """The provider refused or could not be reached: the outbox retries the row."""


class TwilioBackend:
    """Twilio's ``POST /2010-04-01/Accounts/{sid}/Messages.json`` (form-encoded, HTTP
    basic auth with the account SID and auth token). ``TWILIO_API_BASE`` only changes
    for a test server."""

    def send(self, *, to: str, body: str, reference: str) -> None:
        sid = settings.TWILIO_ACCOUNT_SID
        token = settings.TWILIO_AUTH_TOKEN
        if not sid or not token:
            raise ImproperlyConfigured("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are needed to text")
        fields = {"To": to, "Body": body}
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            fields["MessagingServiceSid"] = settings.TWILIO_MESSAGING_SERVICE_SID
        elif settings.TWILIO_FROM_NUMBER:
            fields["From"] = settings.TWILIO_FROM_NUMBER
        else:
            raise ImproperlyConfigured("set TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
        url = f"{settings.TWILIO_API_BASE.rstrip('/')}/2010-04-01/Accounts/{urllib.parse.quote(sid)}/Messages.json"
        if not url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("TWILIO_API_BASE must be an http(s) URL")
        credentials = base64.b64encode(f"{sid}:{token}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310  # scheme checked above
            url,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Authorization": f"Basic {credentials}", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_TIMEOUT_S) as response:  # noqa: S310  # https URL from settings
                status = response.status
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode(errors="replace")
            raise SmsSendError(f"Twilio answered {exc.code}: {detail}") from exc
        except OSError as exc:
            raise SmsSendError(f"Twilio unreachable: {exc}") from exc
        if status not in (200, 201):
            raise SmsSendError(f"Twilio answered {status}")


def get_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend


def twilio_signature(url: str, params: dict[str, str], token: str) -> str:
    """Twilio's ``X-Twilio-Signature`` for a form-encoded webhook: base64 HMAC-SHA1 of the
    full URL followed by each parameter's name and value, sorted by name."""
    data = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


# --- quiet hours -------------------------------------------------------------------------


def quiet_hours() -> tuple[time, time] | None:
    """``SMS_QUIET_HOURS`` as (start, end), e.g. 21:00-08:00; None when off."""
    raw = str(getattr(settings, "SMS_QUIET_HOURS", "") or "").strip()
    if not raw or raw.lower() == "off":
        return None
    start, _, end = raw.partition("-")
    try:
        return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"SMS_QUIET_HOURS must read like 21:00-08:00, not {raw!r}") from exc


# A text queued without a zone (people always gives one) is held by the site's default
# reader's night, as ``people.preferences.DEFAULT_TIME_ZONE``.
FALLBACK_ZONE = "America/New_York"


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or FALLBACK_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(FALLBACK_ZONE)


def _in_window(clock: time, start: time, end: time) -> bool:
    if start <= end:
        return start <= clock < end
    return clock >= start or clock < end  # the window crosses midnight


def not_before(now: datetime, time_zone: str) -> datetime:
    """The first moment at or after ``now`` outside the quiet hours in ``time_zone`` (the
    reader's zone): ``now`` itself during the day, the next morning's end of quiet hours
    at night. A text held this way is delayed, never dropped."""
    window = quiet_hours()
    if window is None:
        return now
    start, end = window
    local = now.astimezone(_zone(time_zone))
    if not _in_window(local.time(), start, end):
        return now
    morning = local.date() if local.time() < end else local.date() + timedelta(days=1)
    wake = datetime.combine(morning, end, tzinfo=local.tzinfo)
    # A gap at a DST change: a wall time that does not exist still maps forward.
    return wake.astimezone(now.tzinfo)


# --- reply keywords ----------------------------------------------------------------------

# CTIA's opt-out and opt-in words, and their Spanish forms (BAJA, ALTO).
STOP_WORDS = frozenset({"STOP", "BAJA", "ALTO", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP"})
# CTIA's help words: answered with who we are and how to stop.
HELP_WORDS = frozenset({"HELP", "INFO", "AYUDA"})
SPANISH_WORDS = frozenset({"BAJA", "ALTO", "AYUDA"})


def keyword(body: str) -> str:
    """The reply's keyword, upper case, when the whole reply is one word give or take
    case, spaces and punctuation (" Stop. ", "¡BAJA!"); "" otherwise."""
    kept = "".join(ch for ch in body if not unicodedata.category(ch).startswith(("P", "S", "Z", "C")))
    word = unicodedata.normalize("NFKC", kept).upper()
    return word if word.isalpha() else ""


def is_stop(word: str) -> bool:
    return word in STOP_WORDS


def is_start(word: str) -> bool:
    return word in START_WORDS


def is_help(word: str) -> bool:
    return word in HELP_WORDS
