"""Recipients without an account (issue 27): a directory listing nobody claimed, or a
partner a provider names on a referral (name, e-mail and/or phone; an *unlisted*
listing, ``directory.Provider.unlisted``, which consents name like any recipient).

Such a recipient gets a signed, single-use, expiring link by e-mail for each step of the
referral (respond, schedule, complete): ``/r/{token}/``. The token is
``<link id>.<random>`` signed with the site's key (``django.core.signing``): an altered
token fails the signature (``link_invalid``) before any row is read. Only its sha256 is
stored, and it is made when the e-mail is sent (the outbox's one-time links,
``outbox.links``), so neither the link table nor the outbox holds a usable link. What
the page shows and does: ``referrals.partner_steps``.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from directory.models import Provider
from outbox.links import LINK_MARK, LinkUnavailable
from outbox.services import outbox_email, outbox_notify, outbox_text, text_number_stopped
from people.preferences import DEFAULT_TIME_ZONE
from people.roles import Actor
from people.texts import stop_footer
from referral_hub import phones
from referral_hub.sitelinks import absolute_url
from referrals.models import PartnerLink, PartnerLinkStep, Referral

LINK_MINTER = "referrals.partner_link"
TEXT_KIND = "referral.partner_link"
# How long a step's link works: long enough for a busy office to get to it, short
# enough that a forwarded or forgotten mail stops working.
LINK_LIFETIME = datetime.timedelta(days=14)
_SALT = "referrals.partner_link"


@dataclass(frozen=True)
class PartnerInput:
    name: str
    email: str
    phone: str


def partner_listing(*, actor: Actor, partner: PartnerInput) -> Provider:
    """The unlisted listing for a partner a provider names on a referral: the one already
    made for the same e-mail (else phone), or a new one. Committed on its own, so the
    family can be asked to share with it when no consent names it yet (the referral's
    403 ``consent_required`` names it as ``to_provider``)."""
    email = partner.email.strip().lower()
    phone = partner.phone.strip()
    match = Q(email__iexact=email) if email else Q(phone=phone)
    with transaction.atomic():
        found = Provider.objects.filter(match, unlisted=True, user__isnull=True).order_by("id").first()
        if found is not None:
            return found
        return Provider.objects.create(
            name=partner.name, email=email, phone=phone, unlisted=True, discipline=""
        )


# --- tokens ---------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT)


def make_token(link_id: int, nonce: str | None = None) -> str:
    """``nonce``: the demo's fixed one (``referrals.demo``); a fresh random one otherwise."""
    return _signer().sign(f"{link_id}.{nonce or secrets.token_urlsafe(24)}")


def link_id_of(token: str) -> int | None:
    """The link id a token names, or None when the signature does not hold (altered)."""
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    head = value.split(".", 1)[0]
    return int(head) if head.isdigit() and len(head) < 19 else None


def mint_link(link_id: int) -> str:
    """The outbox's minter: a fresh token for a link still unused and unexpired (its hash
    replaces the stored one), as an absolute URL."""
    token = make_token(link_id)
    updated = PartnerLink.objects.filter(
        pk=link_id, used_at__isnull=True, expires_at__gt=timezone.now()
    ).update(token_hash=token_hash(token))
    if not updated:
        raise LinkUnavailable(f"partner link {link_id} is used, expired or gone")
    return absolute_url(f"/r/{token}/")


# --- sending a step's link ------------------------------------------------------------------


def _subject(step: str) -> str:
    return {
        PartnerLinkStep.RESPOND: _("New referral: please accept or decline"),
        PartnerLinkStep.SCHEDULE: _("Referral accepted: please record the appointment"),
        PartnerLinkStep.COMPLETE: _("Referral scheduled: please record the outcome"),
    }[PartnerLinkStep(step)]


def _body(referral: Referral, step: str, expires_at: datetime.datetime) -> str:
    sender = referral.from_provider.name if referral.from_provider else _("A family")
    when = formats.date_format(timezone.localtime(expires_at), "DATETIME_FORMAT")
    return _(
        "%(sender)s sent a referral to %(partner)s through Referral Hub.\n\n"
        "Open this link to %(step)s (no account needed):\n%(link)s\n\n"
        "The link works once and expires on %(when)s (%(zone)s). Each step sends you the next link.\n"
        "For privacy, this e-mail carries no details about the child; the page shows only what "
        "the family agreed to share with you."
    ) % {
        "sender": sender,
        "partner": referral.to_provider.name,
        "step": PartnerLinkStep(step).label.lower(),
        "link": LINK_MARK,
        "when": when,
        "zone": timezone.get_current_timezone_name(),
    }


def text_number_of(partner: Provider) -> str:
    """The partner's phone as E.164 when it can take a text; "" otherwise."""
    try:
        return phones.normalize(partner.phone) if partner.phone else ""
    except phones.InvalidPhone:
        return ""


def can_get_link(partner: Provider) -> bool:
    """A recipient without an account can be sent its links: by e-mail, or by text."""
    return bool(partner.email or text_number_of(partner))


def next_link_stopped(partner: Provider) -> bool:
    """Is the partner reached by text only, from a number that replied STOP? Then no link
    can reach it until the number sends START."""
    number = "" if partner.email else text_number_of(partner)
    return bool(number) and text_number_stopped(number)


def _tell_sender_unreachable(referral: Referral, step: str) -> None:
    """The referral's sender (the referring provider's account, else whoever sent it: a
    coordinator or a guardian) is told the partner could not be sent a step's link, to
    follow up by phone. The notice holds the referral's number, the partner listing's
    name and the step: never the child."""
    user_id = referral.from_provider.user_id if referral.from_provider else None
    outbox_notify(
        user_id or referral.created_by_id,
        "referral.partner_unreachable",
        {"referral_id": referral.pk, "partner": referral.to_provider.name, "step": step},
        key=f"referral:{referral.pk}:partner_unreachable:{step}",
    )


def link_text_dropped(link_id: int) -> None:
    """The outbox's drop handler: a step's link text, queued before the partner's number
    replied STOP (held for the morning, say), was dropped unsent. The sender is told as
    when the STOP came first (one notice per referral and step)."""
    link = (
        PartnerLink.objects.select_related("referral__from_provider", "referral__to_provider")
        .filter(pk=link_id)
        .first()
    )
    if link is not None:
        _tell_sender_unreachable(link.referral, link.step)


def partner_time_zone(partner: Provider) -> str:
    """The zone a partner's text keeps quiet hours in and states the expiry in. Listings
    carry no zone of their own yet: the network's default reader's zone."""
    return DEFAULT_TIME_ZONE


def _text_body(step: str, expires_at: datetime.datetime, zone: str) -> str:
    """A status line, the link, when it expires and how to stop: no child, no sender."""
    with timezone.override(zone):
        when = formats.date_format(timezone.localtime(expires_at), "SHORT_DATETIME_FORMAT")
    line = _(
        "Referral Hub: A referral is waiting for you. %(step)s (no account needed): %(link)s "
        "Works once; expires %(when)s (%(zone)s)."
    ) % {"step": PartnerLinkStep(step).label, "link": LINK_MARK, "when": when, "zone": zone}
    return f"{line} {stop_footer()}"


def link_issue(*, referral: Referral, step: str, language: str = "en") -> PartnerLink | None:
    """Make the link for ``step`` and queue it (inside the caller's transaction: nothing
    goes out if the step rolls back): by e-mail to a partner with an address, else by text
    to a partner with a phone that takes texts. One channel per step, so the one link is
    made once (minting a second copy would supersede the first). None when there is
    neither, or the number replied STOP (a STOP stops a number, whoever holds it): then
    the referral's sender is told (``_tell_sender_unreachable``), so the loop does not
    stall unseen. The link's token is made when the message is sent."""
    partner = referral.to_provider
    number = "" if partner.email else text_number_of(partner)
    if not partner.email and not number:
        return None
    link = PartnerLink.objects.create(
        referral=referral,
        step=step,
        sent_to=partner.email or number,
        expires_at=timezone.now() + LINK_LIFETIME,
    )
    key = f"referral:{referral.pk}:partner_link:{link.pk}"
    with translation.override(language):
        if number:
            zone = partner_time_zone(partner)
            queued = outbox_text(
                key=key,
                to_number=number,
                body=_text_body(step, link.expires_at, zone),
                kind=TEXT_KIND,
                language=language,
                time_zone=zone,
                link=(LINK_MINTER, link.pk),
            )
            if queued is None:
                _tell_sender_unreachable(referral, step)
                return None
            return link
        outbox_email(
            key=key,
            to_address=partner.email,
            subject=_subject(step),
            body=_body(referral, step, link.expires_at),
            kind="referral",
            language=language,
            link=(LINK_MINTER, link.pk),
        )
    return link
