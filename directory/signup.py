"""A provider signs up (issue 25, item 9): an inactive account, confirmed by an e-mailed
link, that then finds its listing and claims it (``listings.listing_claim``; a curator
approves; the provider then edits the listing).

The account is an ordinary user with no role until a curator approves a claim. The
confirmation link is made when the mail is sent (``outbox.links``: minter
``directory.signup``) and is single use: its hash covers ``is_active`` and
``last_login``, so once the account is active (or has signed in) the link is dead, and
it never re-activates an account an administrator deactivated after it was used. Like
the family sign-up, an address already in use gets a reminder e-mail and the same
answer, so the form does not reveal who has an account."""

from __future__ import annotations

import uuid

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from outbox.links import LINK_MARK, LinkUnavailable
from outbox.services import outbox_email
from people.new_accounts import create_unconfirmed_account
from people.preferences import language_of, update_preferences
from referral_hub.errors import ApplicationError
from referral_hub.sitelinks import absolute_url

SIGNUP_LINK = "directory.signup"


class _ConfirmTokens(PasswordResetTokenGenerator):
    key_salt = "directory.signup.confirm"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        login = "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None)
        return f"{user.pk}{user.password}{user.is_active}{login}{timestamp}"


TOKENS = _ConfirmTokens()


def _invalid() -> ApplicationError:
    return ApplicationError("invalid_token", _("This confirmation link is invalid or has expired."))


def _check(email: str, password: str, password2: str, first_name: str) -> str:
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise ApplicationError("invalid_email", _("Enter a valid e-mail address."), extra={"field": "email"})
    if password != password2:
        raise ApplicationError(
            "password_mismatch", _("The two passwords differ."), extra={"field": "password2"}
        )
    try:
        password_validation.validate_password(
            password, User(username=email, email=email, first_name=first_name)
        )
    except ValidationError as exc:
        raise ApplicationError("weak_password", " ".join(exc.messages), extra={"field": "password"}) from None
    return email


@transaction.atomic
def provider_signup(
    *, email: str, password: str, password2: str, first_name: str, last_name: str
) -> User | None:
    """An inactive account (username = e-mail) and a confirmation e-mail in the page's
    language. None when the address is in use (that address is told instead)."""
    email = _check(email, password, password2, first_name)
    language = language_of(None, translation.get_language())
    if (
        User.objects.filter(username__iexact=email).exists()
        or User.objects.filter(email__iexact=email).exists()
    ):
        make_password(password)  # the same work as a new account: the timing says nothing
        with translation.override(language):
            subject = _("Your Referral Hub account")
            body = _(
                "Someone (hopefully you) used this address to sign up as a provider on Referral Hub. "
                "You already have an account: sign in, or reset your password. If this was not you, "
                "you can ignore this message."
            )
        outbox_email(
            key=f"directory:signup:exists:{uuid.uuid4().hex}",
            to_address=email,
            subject=subject,
            body=body,
            kind="directory.signup.exists",
            language=language,
        )
        return None
    user = create_unconfirmed_account(
        email=email, password=password, first_name=first_name, last_name=last_name
    )
    update_preferences(user, preferred_language=language)
    with translation.override(language):
        subject = _("Confirm your Referral Hub provider account")
        body = _(
            "Welcome to Referral Hub. Confirm your e-mail address, then sign in and claim your "
            "directory listing:\n\n%(link)s\n\nThe link works for 3 days."
        ) % {"link": LINK_MARK}
    outbox_email(
        key=f"directory:signup:confirm:{user.pk}",
        to_address=email,
        subject=subject,
        body=body,
        kind="directory.signup.confirm",
        recipient_id=user.pk,
        language=language,
        link=(SIGNUP_LINK, user.pk),
    )
    return user


def signup_link(user_id: int) -> str:
    """A fresh confirmation link (``outbox.links`` minter), made when the mail is sent."""
    user = User.objects.filter(pk=user_id, is_active=False).first()
    if user is None:
        raise LinkUnavailable("the account is active or gone")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute_url(
        reverse("provider-signup-confirm", kwargs={"uid": uid, "token": TOKENS.make_token(user)})
    )


@transaction.atomic
def provider_signup_confirm(*, uid: str, token: str) -> User:
    """The link activates the account once (400 ``invalid_token`` otherwise)."""
    try:
        user_id = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError):
        raise _invalid() from None
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None or user.is_active or user.last_login is not None or not TOKENS.check_token(user, token):
        raise _invalid()
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user
