"""Demo households that are not "two parents at one address" (issue 26; docs/consent.md,
"Who may consent"). Idempotent: each person, child, authority and restriction is
written once.

- Foster care (Eli Carter): the agency has custody under order 2026-JV-0042; its
  caseworker (``caseworker``) holds ``agency_custody``; the foster parent
  (``foster_parent``) holds a ``delegated`` authority for ``referral`` only; the birth
  parent (``birth_parent``) is still in the household record, their parent authority
  ended when custody moved, under a ``no_information`` order (they see nothing about Eli).
- A teen parent (``teen_parent``, 16) consents for her infant (Leo Torres) as a
  ``minor_parent``, recorded by the care coordinator.
- Joint custody with a protective order (Ivy Hayes): both parents hold authority; the
  mother (``confidential``) is under an ``address_confidential`` order, so her
  phone, e-mail and the child's placement reach nobody else, not even the father
  (``coparent``).

Orders and delegations carry a small generated PDF (marked as a demo, not a real order).
They are recorded by the ``coordinator`` login (which ``intake``'s demo puts in the
coordinators' group)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from fpdf import FPDF

from families.authority import parents_hold_authority
from families.documents import order_document_store
from families.models import (
    Authority,
    AuthorityBasis,
    Child,
    Family,
    Guardian,
    Relationship,
    Restriction,
    RestrictionKind,
)
from people.demo import Writer, ensure_user

CUSTODY_ORDER = "2026-JV-0042"
DELEGATION = "DHHS-DEL-2026-0042"
CUSTODY_FROM = datetime(2026, 9, 1, 9, tzinfo=UTC)


def order_pdf(title: str, number: str, lines: list[str]) -> ContentFile[bytes]:
    """A one-page PDF standing in for the court order or the agency's letter."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 8, f"No. {number}", new_x="LMARGIN", new_y="NEXT")
    for line in [*lines, "", "DEMO DATA - not a real order (Referral Hub seed_demo)."]:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return ContentFile(bytes(pdf.output()), name=f"{number}.pdf")


def _member(
    world: dict[str, Any], username: str, full_name: str, family: Family, relationship: str
) -> Guardian:
    user = ensure_user(username, full_name, world["password"])
    world["users"][username] = user
    guardian = Guardian.objects.filter(user=user).first()
    if guardian is None:
        guardian = Guardian.objects.create(user=user, family=family, relationship=relationship)
    world["guardians"][username] = guardian
    return guardian


def _household(name: str) -> Family:
    family = Family.objects.filter(name=name).order_by("pk").first()
    return family or Family.objects.create(name=name)


def _child(world: dict[str, Any], key: str, family: Family, first: str, last: str, born: date) -> Child:
    child, _ = Child.objects.get_or_create(
        family=family,
        first_name=first,
        last_name=last,
        date_of_birth=born,
        defaults={"preferred_language": "en"},
    )
    world["children"][key] = child
    return child


def _authority(child: Child, holder: Guardian, basis: str, recorder: User, **fields: Any) -> Authority:
    existing: Authority | None = Authority.objects.filter(child=child, holder=holder, basis=basis).first()
    if existing is not None:
        return existing
    document: ContentFile[bytes] | None = fields.pop("document", None)
    authority = Authority(child=child, holder=holder, basis=basis, recorded_by=recorder, **fields)
    if document is not None:
        authority.document = order_document_store(
            content=document, uploaded_by=recorder, name=document.name or "order.pdf"
        )
    authority.save()
    return authority


def _restriction(child: Child, person: Guardian, kind: str, recorder: User, number: str, title: str) -> None:
    if Restriction.objects.filter(child=child, person=person, kind=kind).exists():
        return
    restriction = Restriction(
        child=child,
        person=person,
        kind=kind,
        order_number=number,
        recorded_by=recorder,
        starts_at=CUSTODY_FROM,
    )
    document = order_pdf(title, number, [f"Concerning {child.name} and {person}."])
    restriction.document = order_document_store(content=document, uploaded_by=recorder, name=f"{number}.pdf")
    restriction.save()


def _foster_care(world: dict[str, Any], recorder: User) -> None:
    family = _household("Carter household (foster care)")
    birth = _member(world, "birth_parent", "Jordan Carter", family, Relationship.MOTHER)
    eli = _child(world, "eli", family, "Eli", "Carter", date(2025, 1, 20))
    parents_hold_authority(family.pk)
    # Custody moved to the agency: the birth parent's authority ended that day (the
    # re-check already done, so the demo starts quiet).
    Authority.objects.filter(
        child=eli, holder=birth, basis=AuthorityBasis.PARENT, ends_at__isnull=True
    ).update(
        ends_at=CUSTODY_FROM,
        end_note=f"Custody to the agency under order {CUSTODY_ORDER}",
        rechecked_at=CUSTODY_FROM,
    )
    caseworker = _member(world, "caseworker", "Dana Whitfield", family, Relationship.CASEWORKER)
    _authority(
        eli,
        caseworker,
        AuthorityBasis.AGENCY_CUSTODY,
        recorder,
        order_number=CUSTODY_ORDER,
        starts_at=CUSTODY_FROM,
        document=order_pdf(
            "Order placing the child in the custody of the agency",
            CUSTODY_ORDER,
            ["Eli Carter is placed in the temporary custody of the Department of Health and Human Services."],
        ),
    )
    foster = _member(world, "foster_parent", "Grace Okafor", family, Relationship.FOSTER_PARENT)
    _authority(
        eli,
        foster,
        AuthorityBasis.DELEGATED,
        recorder,
        purposes=["referral"],
        order_number=DELEGATION,
        starts_at=CUSTODY_FROM + timedelta(days=1),
        document=order_pdf(
            "Agency delegation to the foster parent",
            DELEGATION,
            ["Grace Okafor may consent to referrals for Eli Carter. Nothing wider."],
        ),
    )
    _restriction(
        eli,
        birth,
        RestrictionKind.NO_INFORMATION,
        recorder,
        "2026-PO-0017",
        "Order: no information to the birth parent",
    )


def _teen_parent(world: dict[str, Any], recorder: User) -> None:
    family = _household("Torres family")
    teen = _member(world, "teen_parent", "Maya Torres", family, Relationship.MOTHER)
    leo = _child(world, "leo", family, "Leo", "Torres", date(2026, 5, 2))
    # Not parents_hold_authority: the coordinator recorded her authority as a parent
    # under 18 (the state's minor-parent consent law), from the child's birth.
    _authority(
        leo,
        teen,
        AuthorityBasis.MINOR_PARENT,
        recorder,
        starts_at=datetime(2026, 5, 2, tzinfo=UTC),
    )


def _confidential(world: dict[str, Any], recorder: User) -> None:
    family = _household("Hayes family")
    mother = _member(world, "confidential", "Nina Hayes", family, Relationship.MOTHER)
    _member(world, "coparent", "Sam Hayes", family, Relationship.FATHER)
    ivy = _child(world, "ivy", family, "Ivy", "Hayes", date(2024, 2, 11))
    parents_hold_authority(family.pk)
    _restriction(
        ivy,
        mother,
        RestrictionKind.ADDRESS_CONFIDENTIAL,
        recorder,
        "2026-PO-0031",
        "Protective order: address and placement confidential",
    )


def seed_households(world: dict[str, Any], stdout: Writer) -> None:
    world.setdefault("users", {})
    world.setdefault("guardians", {})
    world.setdefault("children", {})
    recorder = ensure_user("coordinator", "Camila Coordinator", world["password"])
    _foster_care(world, recorder)
    _teen_parent(world, recorder)
    _confidential(world, recorder)
    stdout.write(
        "families: foster care (caseworker, foster_parent, birth_parent), teen parent "
        "(teen_parent), a protective order (confidential, coparent)"
    )
