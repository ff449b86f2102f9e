"""Who may consent for a child, on what basis, now (docs/consent.md, "Who may consent").

Asked at the moment of every consent action: signing (portal, attested, a request for
help, a routed request), revoking and declining. ``consenting_authority`` answers for
an action that gives (every purpose must be within the holder's scope);
``acting_authority`` for one that takes back or says no (any authority in force for
the child: a revocation only ever narrows). Both return the ``Authority`` row the
action rests on, which the audit row and the consent name.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext

from families.models import Authority, AuthorityBasis, Guardian, Restriction, RestrictionKind
from referral_hub.errors import ApplicationError
from referral_hub.ids import id_for_lookup


def in_force_for(guardian: Guardian, child_id: int, at: datetime | None = None) -> QuerySet[Authority]:
    """The guardian's authorities for the child in force at ``at`` (now), none of them
    voided by a ``no_information`` restriction on the same person."""
    if restricted(guardian, child_id, RestrictionKind.NO_INFORMATION, at):
        return Authority.objects.none()
    return Authority.objects.in_force(at).filter(holder=guardian, child_id=id_for_lookup(child_id))


def restricted(guardian: Guardian, child_id: int, kind: str, at: datetime | None = None) -> bool:
    return (
        Restriction.objects.in_force(at)
        .filter(person=guardian, child_id=id_for_lookup(child_id), kind=kind)
        .exists()
    )


def preference(authority: Authority) -> tuple[bool, bool, int]:
    """Which of a person's authorities an action names, first to last: an unscoped one
    before a delegation, and a basis recorded for the person (a minor parent, a legal
    guardian) before the ``parent`` one every mother, father or parent of the household
    holds from their relationship, which says less about them; then the oldest."""
    return (bool(authority.purposes), authority.basis == AuthorityBasis.PARENT, authority.pk)


NO_AUTHORITY = "no_legal_authority"
OUTSIDE_SCOPE = "outside_authority"


def consenting_authority(
    guardian: Guardian, child_id: int, purposes: Iterable[str], at: datetime | None = None
) -> Authority:
    """The authority under which ``guardian`` may give consent for ``purposes`` now:
    the widest in force (``preference``: an unscoped basis before a delegated one). 403
    ``no_legal_authority`` when they hold none; 403 ``outside_authority`` when what
    they hold (a delegation) does not reach every purpose asked."""
    held = list(in_force_for(guardian, child_id, at))
    if not held:
        raise ApplicationError(
            NO_AUTHORITY, gettext("Only someone with legal authority for this child may consent."), status=403
        )
    wanted = list(purposes)
    for authority in sorted(held, key=preference):
        if all(authority.covers(purpose) for purpose in wanted):
            return authority
    raise ApplicationError(
        OUTSIDE_SCOPE,
        gettext("Your authority for this child does not reach this purpose. Ask the child's caseworker."),
        status=403,
        extra={"field": "purposes"},
    )


def acting_authority(guardian: Guardian, child_id: int, at: datetime | None = None) -> Authority:
    """Any authority ``guardian`` holds for the child now (revoking, declining): 403
    ``no_legal_authority`` when none."""
    held = min(in_force_for(guardian, child_id, at), key=preference, default=None)
    if held is None:
        raise ApplicationError(
            NO_AUTHORITY, gettext("Only someone with legal authority for this child may do this."), status=403
        )
    return held


def may_consent(guardian: Guardian, child_id: int, purposes: Iterable[str] = ()) -> bool:
    try:
        consenting_authority(guardian, child_id, purposes)
    except ApplicationError:
        return False
    return True


def holders(child_id: int, purpose: str | None = None, at: datetime | None = None) -> list[Guardian]:
    """The people who may consent for the child now (for ``purpose``, when given): whom
    to ask, whom to tell. Never a person a ``no_information`` or ``no_contact``
    restriction covers."""
    rows = (
        Authority.objects.in_force(at)
        .filter(child_id=id_for_lookup(child_id))
        .select_related("holder__user__account_settings")
        .order_by("holder_id", "pk")
    )
    silenced = set(
        Restriction.objects.in_force(at)
        .filter(
            child_id=id_for_lookup(child_id),
            kind__in=(RestrictionKind.NO_INFORMATION, RestrictionKind.NO_CONTACT),
        )
        .values_list("person_id", flat=True)
    )
    found: dict[int, Guardian] = {}
    for row in rows:
        if row.holder_id not in silenced and (purpose is None or row.covers(purpose)):
            found.setdefault(row.holder_id, row.holder)
    return list(found.values())


def basis_words(authority: Authority) -> str:
    """The basis in the reader's words, for the consent text, the household page and
    the access log: "as the child's parent", "as the child's legal guardian under order
    no. 24-JV-118"..."""
    words = {
        AuthorityBasis.PARENT: gettext("as the child's parent"),
        AuthorityBasis.MINOR_PARENT: gettext("as the child's parent (a parent under 18)"),
        AuthorityBasis.LEGAL_GUARDIAN: gettext("as the child's legal guardian"),
        AuthorityBasis.AGENCY_CUSTODY: gettext(
            "as the caseworker for the agency that has custody of the child"
        ),
        AuthorityBasis.DELEGATED: gettext("as a caregiver with authority delegated by the agency"),
    }[AuthorityBasis(authority.basis)]
    if authority.order_number and authority.basis != AuthorityBasis.PARENT:
        words += " " + gettext("under order no. %(number)s") % {"number": authority.order_number}
    return words


def audit_basis(authority: Authority) -> str:
    """The basis as the access log keeps it (plain codes, one language for every reader):
    ``basis=legal_guardian order=24-JV-118 authority=12``."""
    order = f" order={authority.order_number}" if authority.order_number else ""
    return f"basis={authority.basis}{order} authority={authority.pk}"
