"""Demo users, shared by every app's demo seed."""

from __future__ import annotations

from typing import Any, Protocol

from django.contrib.auth.models import User


def ensure_user(username: str, full_name: str, password: str, **extra: Any) -> User:
    first, _, last = full_name.replace("Dr. ", "").partition(" ")
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.invalid", **extra},
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


class Writer(Protocol):
    """Where a demo seed reports: a management command's stdout or a StringIO."""

    def write(self, msg: str, /) -> Any: ...
