"""Whom a family notice about a child may reach, and whose contact details may leave
(docs/consent.md, "Restrictions at every exit").

One place for every notice, e-mail or text a family gets about a child (referral news,
a provider's request to share, a consent recorded in their name, a consent ending, a
refused attempt, a coordinator's choice to sign): ``family_recipients`` picks the
people, so a court order's ``no_contact`` or ``no_information`` restriction holds at each
of them without each path filtering on its own.

``contact_confidential`` / ``confidential_contacts``: a person under an
``address_confidential`` restriction for the child; their own phone and e-mail (as they
gave them with a request for help) are shown to nobody else, and the access log names
them to others only as a family member."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext

from audit.models import AuditEvent
from consent.access_words import split_label
from consent.authority import holders
from families.models import Guardian, Restriction, RestrictionKind
from referral_hub.ids import id_for_lookup

#: Restrictions that keep a person from hearing about the child.
SILENCING = (RestrictionKind.NO_CONTACT, RestrictionKind.NO_INFORMATION)


def family_recipients(
    child_id: int, *, purpose: str | None = None, consenting: bool = False, at: datetime | None = None
) -> list[Guardian]:
    """The members of the child's household to tell about the child now, with their
    account settings loaded (language, e-mail choices): never a person a ``no_contact``
    or ``no_information`` restriction in force covers for this child.

    ``consenting=True``: only those who may consent for the child (for ``purpose``,
    when given): whom to ask to sign or renew (``consent.authority.holders``, which
    leaves out the same people)."""
    if consenting:
        return holders(child_id, purpose, at)
    silenced = Restriction.objects.in_force(at).filter(
        child_id=id_for_lookup(child_id), kind__in=SILENCING, person_id=OuterRef("pk")
    )
    return list(
        Guardian.objects.filter(family__children=id_for_lookup(child_id))
        .exclude(Exists(silenced))
        .select_related("user__account_settings")
        .order_by("pk")
    )


def may_contact(user_id: int, child_id: int, at: datetime | None = None) -> bool:
    """Whether the account ``user_id`` may be told about the child now (one of
    ``family_recipients``)."""
    return any(g.user_id == user_id for g in family_recipients(child_id, at=at))


def contact_confidential(user_id: int | None, child_id: int | None, at: datetime | None = None) -> bool:
    """Whether the account's own contact details, given about this child, stay with
    them (an ``address_confidential`` restriction in force)."""
    if user_id is None or child_id is None:
        return False
    return (
        Restriction.objects.in_force(at)
        .filter(
            kind=RestrictionKind.ADDRESS_CONFIDENTIAL,
            person__user_id=user_id,
            child_id=id_for_lookup(child_id),
        )
        .exists()
    )


def confidential_contacts(
    pairs: Iterable[tuple[int | None, int | None]], at: datetime | None = None
) -> set[tuple[int, int]]:
    """Of the (account, child) pairs given, those whose contact details stay with the
    account: one query for a page of rows."""
    wanted = {(u, c) for u, c in pairs if u is not None and c is not None}
    if not wanted:
        return set()
    rows = (
        Restriction.objects.in_force(at)
        .filter(
            kind=RestrictionKind.ADDRESS_CONFIDENTIAL,
            person__user_id__in={u for u, _ in wanted},
            child_id__in={c for _, c in wanted},
        )
        .values_list("person__user_id", "child_id")
    )
    return {(u, c) for u, c in rows if (u, c) in wanted}


def mask_confidential_actors(
    rows: list[AuditEvent], *, child_id: int, viewer_id: int | None
) -> list[AuditEvent]:
    """The child's access-log rows as ``viewer_id`` reads them: a row by someone whose
    contact details stay with them (``address_confidential`` for this child) names them
    only as "A family member" (with their role) to anyone but themselves: their name
    may be their e-mail address (registration's username). Blanked on these in-memory
    rows, which are for output only (audit rows are never saved twice)."""
    hidden = confidential_contacts((row.actor_id, child_id) for row in rows if row.actor_id != viewer_id)
    for row in rows:
        if (row.actor_id, child_id) in hidden:
            _name, roles = split_label(row.actor_label)
            row.actor_label = f"{gettext('A family member')} ({','.join(roles)})"
    return rows
