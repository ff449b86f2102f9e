"""A text to one person (``text_person``): to the number they gave for texts, only if
they chose texts, in their language, held until morning in their time zone. Every text
ends with how to stop them. The caller picks the person exactly as for the notice and
the e-mail of the same news (the decision point's people: ``consent.recipients``) and
writes the body: a status line and a sign-in link, never a child's details."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils import translation
from django.utils.translation import gettext as _

from outbox.models import OutboxMessage
from outbox.services import outbox_text
from people.preferences import DEFAULT_TIME_ZONE, language_of, text_number_for, time_zone_of


def stop_footer() -> str:
    """How to stop texts, in the active language (CTIA asks every text to say it)."""
    return _("Reply STOP to end texts.")


def text_person(*, user: User, key: str, kind: str, body: str) -> OutboxMessage | None:
    """Queue ``body`` (already in the person's language) as a text, with the stop line;
    None when the person did not choose texts (or the key was queued before)."""
    number = text_number_for(user)
    if not number:
        return None
    language = language_of(user)
    with translation.override(language):
        text = f"{body} {stop_footer()}"
    return outbox_text(
        key=key,
        to_number=number,
        body=text,
        kind=kind,
        recipient_id=user.pk,
        language=language,
        time_zone=time_zone_of(user) or DEFAULT_TIME_ZONE,
    )
