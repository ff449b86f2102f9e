"""The link that brings a family without an account back to its registration (to see it
or give the place up) from its e-mails: signed, minted when the e-mail is sent (the
outbox row holds ``LINK_MARK``, never the link: ``outbox.links``), valid for a while
(``LINK_MAX_AGE``), and good only for the registration it names."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from groups.models import Registration
from outbox.links import LinkUnavailable
from referral_hub.sitelinks import absolute_url

MINTER = "group-registration"
SALT = "groups.registration-link"
LINK_MAX_AGE = 60 * 60 * 24 * 366  # a group series runs for months at most


def registration_link(ref: int) -> str:
    """A fresh absolute link to registration ``ref``; LinkUnavailable when it is gone."""
    if not Registration.objects.filter(pk=ref).exists():
        raise LinkUnavailable(f"registration {ref} is gone")
    token = signing.dumps(ref, salt=SALT, compress=True)
    return absolute_url(reverse("group-registration-link", kwargs={"token": token}))


def registration_of(token: str) -> int | None:
    """The registration a link names, or None for a forged, altered or expired one."""
    try:
        value = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
