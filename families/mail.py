"""E-mail to families, in the family's language.

Every message to a parent or guardian goes through the outbox (written in the caller's
transaction) and is rendered here in the language the caller passes, which it asks of
``people.preferences.language_of`` (the account's choice, else what the caller knows:
the page's language at sign-up, the child's preferred language for an invitation, else
English). The language is stored with the outbox row. Bodies carry links only, never a child's details."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise

from outbox.links import LINK_MARK
from outbox.models import OutboxMessage
from outbox.services import outbox_email


def mail_family(
    *,
    key: str,
    to_address: str,
    subject: str | Promise,
    body: str | Promise,
    kind: str,
    language: str,
    recipient_id: int | None = None,
    one_time_link: tuple[str, int] | None = None,
    **values: Any,
) -> OutboxMessage | None:
    """Queue one e-mail whose subject and body (lazy translations with %(name)s
    placeholders filled from ``values``) are rendered in ``language``. ``one_time_link``: a
    one-time link (minter, object id) minted when the mail is sent; the body's
    ``%(link)s`` holds its place (``outbox.links``)."""
    if one_time_link is not None:
        values["link"] = LINK_MARK
    with translation.override(language):
        rendered_subject = str(subject) % values if values else str(subject)
        rendered_body = str(body) % values if values else str(body)
    return outbox_email(
        key=key,
        to_address=to_address,
        subject=rendered_subject,
        body=rendered_body,
        kind=kind,
        recipient_id=recipient_id,
        language=language,
        link=one_time_link,
    )
