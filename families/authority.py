"""A parent's authority, recorded as data when the household is (docs/consent.md, "Who
may consent"). Every other basis rests on an order and is recorded by staff or a
coordinator (``consent.authority``)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.db.models import Exists, OuterRef

from families.models import PARENT_RELATIONSHIPS, Authority, AuthorityBasis, Child, Guardian


def since_birth(child: Child) -> datetime:
    """A parent's authority runs from the child's birth (midnight UTC of that day)."""
    return datetime.combine(child.date_of_birth, time.min, tzinfo=UTC)


def parents_hold_authority(family_id: int) -> int:
    """Each guardian of the family recorded as a parent (mother, father, parent) holds
    ``parent`` authority for each of its children: the rows missing are written, from
    the child's birth. Idempotent; an ended parent authority is never written again
    (custody that moved to an agency does not come back by adding a child or a
    guardian), nor one beside a recorded ``minor_parent`` basis. Called
    wherever a guardian or a child joins a household. Returns the rows written."""
    parents = Guardian.objects.filter(family_id=family_id, relationship__in=PARENT_RELATIONSHIPS)
    children = Child.objects.filter(family_id=family_id)
    missing = [
        Authority(child=child, holder=parent, basis=AuthorityBasis.PARENT, starts_at=since_birth(child))
        for parent in parents
        for child in children.exclude(
            Exists(
                Authority.objects.filter(
                    child_id=OuterRef("pk"),
                    holder=parent,
                    basis__in=(AuthorityBasis.PARENT, AuthorityBasis.MINOR_PARENT),
                )
            )
        )
    ]
    Authority.objects.bulk_create(missing)
    return len(missing)
