"""The household page's answer (docs/consent.md, "Who may consent"): for each child the
reader sees as a guardian, who may consent now and on what basis, and what the reader
may do themselves. A read: three queries whatever the number of children.

What it never tells: anything about a child to a person a ``no_information`` order
covers (the children come from ``policies.visible_children``, which leaves those out),
such a person as a holder to anyone (their authority is void, as ``consent.authority``
has it), or the phone and e-mail of a person under an ``address_confidential`` or
``no_contact`` order to anyone but themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from audit.models import Action
from audit.services import audit_record_many
from consent.authority import basis_words
from consent.models import Purpose
from consent.texts import AND, SHORT_PURPOSES, _join
from families.models import Authority, Child, Guardian, Restriction, RestrictionKind
from people.roles import Actor

# Whose phone and e-mail only they themselves read here.
WITHHELD = frozenset({RestrictionKind.ADDRESS_CONFIDENTIAL, RestrictionKind.NO_CONTACT})
# Whom nobody is told to ask.
SILENCED = frozenset({RestrictionKind.NO_INFORMATION, RestrictionKind.NO_CONTACT})


@dataclass(frozen=True)
class Holder:
    """One authority in force, as the reader may see it."""

    name: str
    relationship: str
    basis: str
    since: datetime | None  # None: since the child's birth
    until: datetime | None
    only: str  # a delegation's purposes in words; "" for every purpose
    is_reader: bool
    phone: str = ""
    email: str = ""


@dataclass
class ChildAuthority:
    """One child: who may consent, and the reader's own answer."""

    child: Child
    holders: list[Holder] = field(default_factory=list)
    may_sign: bool = False
    only: str = ""  # the reader may sign only for these purposes (words)
    ends_at: datetime | None = None  # the reader's authority ends then
    ask: str = ""  # whom to ask (names, joined)


def _purposes(codes: Iterable[str]) -> str:
    return _join([str(SHORT_PURPOSES[Purpose(code)]) for code in codes], str(AND))


def _since(authority: Authority, child: Child) -> datetime | None:
    born = authority.starts_at.astimezone(UTC).date() == child.date_of_birth
    return None if born else authority.starts_at


def _name(guardian: Guardian) -> str:
    return str(guardian)


def _holder(authority: Authority, child: Child, reader: Guardian, withheld: set[int]) -> Holder:
    person = authority.holder
    is_reader = person.pk == reader.pk
    shows_contact = is_reader or person.pk not in withheld
    return Holder(
        name=_name(person),
        relationship=person.get_relationship_display(),
        basis=basis_words(authority),
        since=_since(authority, child),
        until=authority.ends_at,
        only=_purposes(authority.purposes),
        is_reader=is_reader,
        phone=person.phone if shows_contact else "",
        email=person.user.email if shows_contact else "",
    )


def _latest_end(rows: list[Authority]) -> datetime | None:
    """When the reader's authority (these rows) ends: never, if any row has no end."""
    ends = [row.ends_at for row in rows]
    return None if None in ends else max(e for e in ends if e is not None)


def _reader_answer(
    entry: ChildAuthority, rows: list[Authority], reader: Guardian, silenced: set[int]
) -> None:
    mine = [row for row in rows if row.holder_id == reader.pk]
    unscoped = [row for row in mine if not row.purposes]
    entry.may_sign = bool(mine)
    if unscoped:
        entry.ends_at = _latest_end(unscoped)
        return
    if mine:
        entry.only = _purposes(
            sorted({p for row in mine for p in row.purposes}, key=list(Purpose.values).index)
        )
        entry.ends_at = _latest_end(mine)
    asked: dict[int, str] = {}
    for row in rows:
        if row.holder_id != reader.pk and row.holder_id not in silenced and (not mine or not row.purposes):
            asked.setdefault(row.holder_id, _name(row.holder))
    entry.ask = _join(list(asked.values()), str(AND))


def household_authority(
    *, reader: Guardian, children: Sequence[Child], at: datetime | None = None
) -> list[ChildAuthority]:
    """For each of ``children`` (already limited to what ``reader`` may see), the
    authorities in force and the reader's own answer."""
    ids = [child.pk for child in children]
    authorities = (
        Authority.objects.in_force(at)
        .filter(child_id__in=ids)
        .select_related("holder__user")
        .order_by("child_id", "starts_at", "pk")
    )
    kinds: dict[tuple[int, int], set[str]] = defaultdict(set)
    for child_id, person_id, kind in (
        Restriction.objects.in_force(at).filter(child_id__in=ids).values_list("child_id", "person_id", "kind")
    ):
        kinds[(child_id, person_id)].add(kind)
    by_child: dict[int, list[Authority]] = defaultdict(list)
    for row in authorities:
        if RestrictionKind.NO_INFORMATION not in kinds[(row.child_id, row.holder_id)]:
            by_child[row.child_id].append(row)
    answer = []
    for child in children:
        people = {person for (child_id, person), k in kinds.items() if child_id == child.pk and k}
        withheld = {p for p in people if kinds[(child.pk, p)] & WITHHELD}
        silenced = {p for p in people if kinds[(child.pk, p)] & SILENCED}
        rows = by_child[child.pk]
        entry = ChildAuthority(child=child, holders=[_holder(row, child, reader, withheld) for row in rows])
        _reader_answer(entry, rows, reader, silenced)
        answer.append(entry)
    return answer


def household_shown(*, actor: Actor, children: Sequence[Child]) -> None:
    """The page named these children and who holds authority for them: one access-log
    row per child (one INSERT)."""
    audit_record_many(
        actor=actor,
        action=Action.VIEW,
        entries=[
            {"child_id": c.pk, "data_category": "demographics", "object_type": "household", "object_id": c.pk}
            for c in children
        ],
    )
