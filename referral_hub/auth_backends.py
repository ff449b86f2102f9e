"""Who may sign in, on every path: password (session or token exchange), an existing
session, an existing API token, a WebSocket handshake.

- Demo accounts never sign in when ``DJANGO_DEBUG=0`` (``DEMO_LOGINS_ALLOWED``), whatever the database holds: an
  account is a demo account when its username is one of the published demo logins, its
  e-mail address is in the reserved ``demo.invalid`` domain ``seed_demo`` uses, or (at
  password sign-in) its password is the published demo password.
- API tokens expire ``API_TOKEN_TTL_DAYS`` after they were issued (default 30).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser, User
from django.http import HttpRequest
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

DEMO_EMAIL_DOMAIN = "@demo.invalid"


def is_demo_account(user: AbstractBaseUser) -> bool:
    username = user.get_username()
    email = str(getattr(user, "email", "") or "").lower()
    return username in settings.DEMO_USERNAMES or email.endswith(DEMO_EMAIL_DOMAIN)


def account_may_sign_in(user: AbstractBaseUser | None) -> bool:
    """Active, and not a demo account in production."""
    if user is None or not getattr(user, "is_active", False):
        return False
    return settings.DEMO_LOGINS_ALLOWED or not is_demo_account(user)


class AccountBackend(ModelBackend):
    """Django's ModelBackend with the production demo refusal. It also answers for
    existing sessions (``get_user`` asks ``user_can_authenticate``)."""

    def user_can_authenticate(self, user: Any) -> bool:
        return account_may_sign_in(user)

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user = super().authenticate(request, username=account_name(username), password=password, **kwargs)
        if user is not None and not settings.DEMO_LOGINS_ALLOWED and password == settings.DEMO_PASSWORD:
            return None
        return user


def account_name(typed: str | None) -> str | None:
    """The login name behind what someone typed in the sign-in field: people type their
    e-mail address, in any capitals (families' login names are their address, lowercased);
    demo and staff accounts may type their login name. An address that names no single
    account is passed on as typed (and then matches at most a login name)."""
    if typed is None or "@" not in typed:
        return typed
    address = typed.strip()
    matches = list(
        User.objects.filter(username__iexact=address).values_list("username", flat=True)[:2]
    ) or list(User.objects.filter(email__iexact=address).values_list("username", flat=True)[:2])
    return matches[0] if len(matches) == 1 else typed


def token_expires_at(token: Token) -> datetime:
    created: datetime = token.created
    return created + timedelta(days=settings.API_TOKEN_TTL_DAYS)


def token_is_live(token: Token) -> bool:
    return bool(timezone.now() < token_expires_at(token))


def user_for_token(key: str) -> User | None:
    """The user a live token signs in, or None (unknown, expired, inactive, demo in
    production). Used by the WebSocket handshake; the API uses the class below."""
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token_is_live(token) or not account_may_sign_in(token.user):
        return None
    user: User = token.user
    return user


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, refused once the token is older than
    ``API_TOKEN_TTL_DAYS`` (``token_expired``; 403, as DRF answers when session auth comes first) or its account may not sign in."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if not token_is_live(token):
            raise exceptions.AuthenticationFailed(
                "The token has expired: ask for a new one.", code="token_expired"
            )
        if not account_may_sign_in(user):
            raise exceptions.AuthenticationFailed("User inactive or deleted.", code="authentication_failed")
        return user, token


def issue_token(user: User) -> Token:
    """The user's live token; an expired one is replaced by a new key."""
    token, created = Token.objects.get_or_create(user=user)
    if not created and not token_is_live(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


def revoke_tokens(user: User) -> None:
    Token.objects.filter(user=user).delete()
