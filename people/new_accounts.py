"""A person's own new account: the e-mail address is the login, and the account stays
inactive until the address is confirmed (a family's registration in ``families``, a
provider's sign-up in ``directory``; each sends its own confirmation link)."""

from __future__ import annotations

from django.contrib.auth.models import User


def create_unconfirmed_account(*, email: str, password: str, first_name: str, last_name: str) -> User:
    return User.objects.create_user(
        username=email,
        email=email,
        password=password,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_active=False,
    )
