"""Replies to our texts: STOP (or BAJA, ALTO, ...) ends every text to that number, START
resumes them (``referral_hub.sms`` reads the keyword). Each turn is confirmed by one
text; a repeated STOP changes nothing and is not confirmed again. HELP (INFO, AYUDA) is
answered with who we are, where to sign in and how to stop, even to a stopped number.
Any other reply is ignored (nobody reads this number: the texts say to sign in).

The number, not an account, is what stops: every account that gave this number hears
nothing more by text (the sender checks ``TextOptOut`` when each text is due)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from outbox.models import Channel, OutboxMessage, TextOptOut
from outbox.services import outbox_text
from referral_hub import sms
from referral_hub.sitelinks import absolute_url

STOPPED, RESUMED, UNCHANGED, IGNORED, HELPED = "stopped", "resumed", "unchanged", "ignored", "helped"


def _reply_language(number: str, word: str) -> str:
    """Spanish for BAJA/ALTO; otherwise the language of the last text this number got."""
    if word in sms.SPANISH_WORDS:
        return "es"
    last = (
        OutboxMessage.objects.filter(channel=Channel.SMS, to_address=number)
        .order_by("-id")
        .values_list("language", flat=True)
        .first()
    )
    return last if last in ("en", "es") else "en"


def _confirm(row: TextOptOut, kind: str, language: str) -> None:
    with translation.override(language):
        if kind == "text.stopped":
            body = _(
                "Referral Hub: you will get no more texts from us at this number. Reply START to get them again."
            )
        else:
            body = _("Referral Hub: texts to this number are on again. Reply STOP to end them.")
    outbox_text(
        key=f"text:{kind}:{row.number}:{row.changes}",
        to_number=row.number,
        body=body,
        kind=kind,
        language=language,
    )


def _help(number: str, language: str) -> None:
    """The answer to HELP: no account or child is named (anyone may text that word)."""
    with translation.override(language):
        body = _(
            "Referral Hub: texts about your family's referrals, next steps and groups. "
            "Details: sign in at %(site)s. Reply STOP to end texts. Msg & data rates may apply."
        ) % {"site": absolute_url("/")}
    outbox_text(
        # One answer a minute at most: a provider that posts the same HELP twice sends one.
        key=f"text:text.help:{number}:{timezone.now():%Y%m%d%H%M}",
        to_number=number,
        body=body,
        kind="text.help",
        language=language,
    )


@transaction.atomic
def text_reply_received(*, number: str, body: str) -> str:
    """A reply from ``number`` (E.164): what it did, ``stopped``, ``resumed``,
    ``unchanged`` (STOP while stopped, START while receiving) or ``ignored``."""
    word = sms.keyword(body)
    if sms.is_help(word):
        _help(number, _reply_language(number, word))
        return HELPED
    if not (sms.is_stop(word) or sms.is_start(word)):
        return IGNORED
    stop = sms.is_stop(word)
    row = TextOptOut.objects.select_for_update().filter(number=number).first()
    if row is None:
        if not stop:
            return UNCHANGED
        try:
            with transaction.atomic():  # a savepoint: the provider may post the same STOP twice at once
                row = TextOptOut.objects.create(number=number, stopped=True, keyword=word)
        except IntegrityError:
            return UNCHANGED  # the other delivery of this STOP stopped the number and confirms it
    elif row.stopped == stop:
        return UNCHANGED
    else:
        row.stopped, row.keyword, row.changes, row.changed_at = stop, word, row.changes + 1, timezone.now()
        row.save(update_fields=["stopped", "keyword", "changes", "changed_at"])
    _confirm(row, "text.stopped" if stop else "text.resumed", _reply_language(number, word))
    return STOPPED if stop else RESUMED
