"""The guardian role: a user with a Guardian row."""

from __future__ import annotations

from django.contrib.auth.models import User

from families.integrity import guardian_signed
from families.models import Child, Guardian
from people.roles import Actor


def guardian_of(user: Actor) -> Guardian | None:
    """The user's guardian record (cached on the user object for the request)."""
    if not user.is_authenticated:
        return None
    cached: Guardian | None | bool = getattr(user, "_guardian_cache", False)
    if cached is not False:
        return cached  # type: ignore[return-value]  # narrowed: False was ruled out above
    guardian = Guardian.objects.filter(user=user).first()
    user._guardian_cache = guardian  # type: ignore[attr-defined]  # per-request memo on the user object
    return guardian


def is_family_of(user: User, child_id: int) -> bool:
    """Whether ``user`` is a guardian of ``child_id``'s family, now: what the access log
    stores as an own visit when it writes a row (``audit.extensions``). One query per
    request for a guardian (their family's children, cached on the user object); none
    for anyone else (``guardian_of`` is already cached by the audit label)."""
    guardian = guardian_of(user)
    if guardian is None or not guardian_signed(guardian):
        return False  # a guardian row the app did not write (families.integrity) is not family
    children: set[int] | None = getattr(user, "_family_children_cache", None)
    if children is None:
        children = set(Child.objects.filter(family_id=guardian.family_id).values_list("pk", flat=True))
        user._family_children_cache = children  # type: ignore[attr-defined]  # per-request memo on the user object
    elif (
        child_id not in children and Child.objects.filter(pk=child_id, family_id=guardian.family_id).exists()
    ):
        children.add(child_id)  # a child added to the family since the memo was made
    return child_id in children
