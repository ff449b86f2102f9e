"""Recording who may consent for a child, and a court order's restrictions on a
household member (docs/consent.md, "Who may consent").

Who may record: network staff (a curator) for any child, or a care coordinator for a
child the decision point lets them see (a request for it in their queue). Anyone else
is refused with 403 ``recorder_only`` before anything about the child is looked at; a
coordinator asking about a child outside their queue, and everyone about a missing
child, get the same 404.

An authority that rests on an order or a written delegation (``ORDERED_BASES``) and
every restriction need the order's number and its document (a PDF, PNG or JPEG, by
content, at most 10 MB): the recorder has read it, and the access log says so (the
"checked by a curator or coordinator, audited" of issue 26). The document is uploaded
on its own (``order_document_upload``: ``POST /api/v1/documents/``) and named by its id
when recording, or uploaded with the recording (the page, a multipart API call): both
go through ``order_document_upload``, so every file has one home (``OrderDocument``).
Only its uploader may name a document: anyone else's id, like a missing one, is 400
``unknown_document``.

Who may read the list: the child's household (a guardian of its family whom no
``no_information`` order keeps from the child) and the recorders. A guardian never sees
another person's ``address_confidential`` order (that it exists says where to look),
nor the number or document of another person's order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from audit.models import Action
from audit.services import audit_record, audit_record_many
from consent import authority as rules
from consent import decision, rule
from consent.models import Purpose
from consent.policies import COORDINATOR, recorded_child, require_recorder
from consent.policies import RECORDER_ONLY as RECORDER_ONLY
from consent.policies import access_recording as access_recording
from consent.policies import is_recorder as is_recorder
from consent.policies import recorder_may_see as recorder_may_see
from families.documents import content_type_of, order_document_store
from families.models import (
    ORDERED_BASES,
    Authority,
    AuthorityBasis,
    Child,
    Guardian,
    OrderDocument,
    Restriction,
    RestrictionKind,
)
from people.roles import Actor, is_coordinator, is_curator, signed_in
from referral_hub.errors import FieldError, NotFound
from referral_hub.ids import parse_id

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# What names an order's document when recording: a stored document's id (its uploader's),
# or a file to store now.
DocumentRef = int | UploadedFile[Any] | None


# --- who may record, who may read ---------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    """Who reads a child's authority list: a recorder (everything), or a household
    member (``guardian``: what the household may know)."""

    child: Child
    guardian: Guardian | None


def access_authority_list(actor: Actor, child_id: int | None) -> Reader:
    """The child's household (``consent.rule.is_guardian_of``: not a ``no_information``
    person) and the recorders read the list; anyone else gets 404."""
    pk = parse_id(child_id)
    if pk is None or actor is None or not actor.is_authenticated:
        raise NotFound("Child")
    if rule.is_guardian_of(actor, pk):
        child = recorded_child(pk)
        return Reader(child=child, guardian=Guardian.objects.get(user_id=actor.pk, family_id=child.family_id))
    if recorder_may_see(actor, pk):
        return Reader(child=recorded_child(pk), guardian=None)
    raise NotFound("Child")


# --- the list ------------------------------------------------------------------------------


def household_members(child: Child) -> QuerySet[Guardian]:
    return Guardian.objects.filter(family_id=child.family_id).select_related("user").order_by("pk")


class Who(TypedDict):
    """Whom a row is about, as both lists show them."""

    person: int
    holder: int
    name: str
    relationship: str
    relationship_words: str


def _who(member: Guardian) -> Who:
    return Who(
        person=member.user_id,
        holder=member.pk,
        name=str(member),
        relationship=member.relationship,
        relationship_words=str(member.get_relationship_display()),
    )


@dataclass(frozen=True)
class RestrictionRow:
    id: int
    person: int
    holder: int
    name: str
    relationship: str
    relationship_words: str
    kind: str
    kind_words: str
    starts_at: datetime
    ends_at: datetime | None
    in_force: bool
    order_number: str
    has_document: bool
    document: int | None


@dataclass(frozen=True)
class AuthorityRow:
    id: int
    person: int
    holder: int
    name: str
    relationship: str
    relationship_words: str
    basis: str
    basis_words: str
    scope: list[str]
    scope_words: list[str]
    starts_at: datetime
    ends_at: datetime | None
    in_force: bool
    order_number: str
    has_document: bool
    document: int | None
    restrictions: list[str]


def in_force(row: Authority | Restriction, at: datetime | None = None) -> bool:
    at = at or timezone.now()
    return row.starts_at <= at and (row.ends_at is None or row.ends_at > at)


def restriction_rows(reader: Reader) -> list[RestrictionRow]:
    """The child's restrictions as ``reader`` may see them: everything for a recorder; a
    household member's own in full, another's without its number or document, and never
    another's ``address_confidential``. One query."""
    own = reader.guardian.pk if reader.guardian is not None else None
    rows = []
    for row in (
        Restriction.objects.filter(child=reader.child)
        .select_related("person__user")
        .order_by("starts_at", "pk")
    ):
        full = own is None or row.person_id == own
        if not full and row.kind == RestrictionKind.ADDRESS_CONFIDENTIAL:
            continue
        rows.append(
            RestrictionRow(
                id=row.pk,
                **_who(row.person),
                kind=row.kind,
                kind_words=str(row.get_kind_display()),
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                in_force=in_force(row),
                order_number=row.order_number if full else "",
                has_document=row.document_id is not None if full else False,
                document=row.document_id if own is None else None,
            )
        )
    return rows


def authority_rows(reader: Reader, restrictions: Iterable[RestrictionRow]) -> list[AuthorityRow]:
    """Who may (and who no longer may) consent for the child, newest first, each with
    the restrictions in force on the holder that ``reader`` may see (``restrictions``:
    ``restriction_rows(reader)``). One query."""
    kinds: dict[int, list[str]] = {}
    for restriction in restrictions:
        if restriction.in_force:
            kinds.setdefault(restriction.holder, []).append(restriction.kind)
    return [
        AuthorityRow(
            id=row.pk,
            **_who(row.holder),
            basis=row.basis,
            basis_words=rules.basis_words(row),
            scope=list(row.purposes),
            scope_words=[str(Purpose(p).label) for p in row.purposes if p in Purpose.values],
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            in_force=in_force(row),
            order_number=row.order_number,
            has_document=row.document_id is not None,
            document=row.document_id if reader.guardian is None else None,
            restrictions=kinds.get(row.holder_id, []),
        )
        for row in Authority.objects.filter(child=reader.child)
        .select_related("holder__user")
        .order_by("-starts_at", "-pk")
    ]


@transaction.atomic
def authority_list_shown(*, actor: Actor, child: Child, what: str = "authority") -> None:
    """The list was shown (API or page): one access-log row."""
    audit_record(actor=actor, action=Action.VIEW, child=child, object_type=what, object_id=child.pk)


SEARCH_LIMIT = 20


def children_to_find(actor: Actor, query: str) -> list[Child]:
    """The recording page's search: a coordinator's queue children (all of them, or
    those whose name or id matches ``query``); for staff, the children whose name or id
    matches (nothing before a query is typed). At most ``SEARCH_LIMIT``."""
    query = query.strip()
    if is_curator(actor):
        if not query:
            return []
        children = Child.objects.all()
    elif is_coordinator(actor):
        children = Child.objects.filter(decision.visible(actor, child_ref="pk", relations=COORDINATOR))
    else:
        return []
    pk = parse_id(query) if query.isdigit() else None
    if pk is not None:
        children = children.filter(pk=pk)
    elif query:
        for word in query.split()[:4]:
            children = children.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return list(children.order_by("last_name", "first_name", "pk")[:SEARCH_LIMIT])


@transaction.atomic
def children_found_shown(*, actor: Actor, children: Iterable[Child]) -> None:
    """The search showed these children (their names and birth dates): a row each."""
    audit_record_many(
        actor=actor,
        action=Action.VIEW,
        entries=[
            {"child_id": child.pk, "object_type": "authority_search", "object_id": child.pk}
            for child in children
        ],
    )


# --- checks -----------------------------------------------------------------------------


def _sniffed(upload: UploadedFile[Any], field: str) -> str:
    """The upload's type by content (``families.documents``), or 400 ``invalid_document``
    beside ``field``."""
    if upload.size is None or upload.size > MAX_DOCUMENT_BYTES:
        raise FieldError("invalid_document", field, gettext("The document may be at most 10 MB."))
    content_type = content_type_of(upload)
    if content_type is None:
        raise FieldError("invalid_document", field, gettext("Upload a PDF, PNG or JPEG file."))
    return content_type


@transaction.atomic
def order_document_upload(
    *, actor: Actor, upload: UploadedFile[Any] | None, field: str = "file"
) -> OrderDocument:
    """A recorder (staff or a coordinator; anyone else 403 ``recorder_only``) stores an
    order's document: a PDF, PNG or JPEG by content, at most 10 MB (400
    ``invalid_document``; none at all: ``document_required``; both beside ``field``).
    Stored under a random name, with its SHA-256; audited (no child yet: the recording
    that names it says which)."""
    require_recorder(actor)
    if upload is None:
        raise FieldError("document_required", field, gettext("Upload the order (a PDF or a photo of it)."))
    content_type = _sniffed(upload, field)
    document = order_document_store(content=upload, uploaded_by=signed_in(actor), name=upload.name or "")
    audit_record(
        actor=actor,
        action=Action.CREATE,
        object_type="order_document",
        object_id=document.pk,
        detail=f"uploaded {content_type} size={document.size} sha256={document.sha256}",
    )
    return document


def order_document(actor: Actor, ref: DocumentRef, required: bool) -> OrderDocument | None:
    """The document a recording names: the actor's own stored one (another's or a
    missing id: 400 ``unknown_document``), or the file uploaded with it, stored now."""
    if ref is None:
        if required:
            raise FieldError(
                "document_required", "document", gettext("Upload the order (a PDF or a photo of it).")
            )
        return None
    if isinstance(ref, int):
        document = OrderDocument.objects.filter(pk=ref, uploaded_by_id=signed_in(actor).pk).first()
        if document is None:
            raise FieldError("unknown_document", "document", gettext("Choose a document you uploaded."))
        return document
    return order_document_upload(actor=actor, upload=ref, field="document")


def _check_order_number(order_number: str, required: bool) -> str:
    number = (order_number or "").strip()
    if required and not number:
        raise FieldError("order_number_required", "order_number", gettext("Enter the order's number."))
    return number


def _check_period(starts_at: datetime | None, ends_at: datetime | None) -> datetime:
    start = starts_at or timezone.now()
    if ends_at is not None and ends_at <= start:
        raise FieldError("invalid_period", "ends_at", gettext("The end must come after the start."))
    return start


def _member(child: Child, guardian_id: int | None) -> Guardian:
    guardian = (
        Guardian.objects.filter(pk=guardian_id, family_id=child.family_id).select_related("user").first()
        if guardian_id is not None
        else None
    )
    if guardian is None:
        raise FieldError("unknown_person", "person", gettext("Choose a member of the child's household."))
    return guardian


def _check_scope(basis: str, purposes: Sequence[str]) -> list[str]:
    scope = list(dict.fromkeys(purposes))
    if any(purpose not in Purpose.values for purpose in scope):
        raise FieldError("invalid_scope", "scope", gettext("Choose purposes from the list."))
    if basis == AuthorityBasis.DELEGATED and not scope:
        raise FieldError(
            "scope_required", "scope", gettext("Name what the agency delegated: at least one purpose.")
        )
    if basis != AuthorityBasis.DELEGATED and scope:
        raise FieldError(
            "invalid_scope",
            "scope",
            gettext("Only a delegation has a scope: this basis covers every purpose."),
        )
    return scope


# --- writes ---------------------------------------------------------------------------------


def _check_kinds(kinds: Sequence[str], field: str) -> list[str]:
    chosen = list(dict.fromkeys(kinds))
    if any(kind not in RestrictionKind.values for kind in chosen):
        raise FieldError("invalid_kind", field, gettext("Choose a restriction from the list."))
    return chosen


def _period_words(start: datetime, ends_at: datetime | None) -> str:
    return f"from={start.isoformat()} until={ends_at.isoformat() if ends_at else 'open'}"


def _document_words(document: OrderDocument | None) -> str:
    return f" document checked (order document {document.pk})" if document is not None else ""


@transaction.atomic
def authority_record(
    *,
    actor: Actor,
    child_id: int,
    holder_id: int | None,
    basis: str,
    purposes: Sequence[str],
    starts_at: datetime | None,
    ends_at: datetime | None,
    order_number: str,
    document: DocumentRef,
    restrictions: Sequence[str] = (),
) -> Authority:
    """A recorder records that ``holder_id`` (a ``Guardian`` of the child's household)
    may consent for the child on ``basis``, from ``starts_at`` (now) until ``ends_at``
    (open). ``ORDERED_BASES`` need the order number and its document (``document``: the
    recorder's uploaded document's id, or a file to store); a ``delegated`` authority
    names its purposes, no other basis has any. ``restrictions`` (kinds) the same order
    puts on the holder are recorded with it, in the same transaction, under the same
    number, document and period (then the number and document are required whatever
    the basis). Refusals: see the module. Audited with the basis
    (``consent.authority.audit_basis``)."""
    child = access_recording(actor, child_id)
    if basis not in AuthorityBasis.values:
        raise FieldError("invalid_basis", "basis", gettext("Choose a basis from the list."))
    kinds = _check_kinds(restrictions, "restrictions")
    ordered = basis in ORDERED_BASES or bool(kinds)
    holder = _member(child, holder_id)
    scope = _check_scope(basis, purposes)
    number = _check_order_number(order_number, ordered)
    start = _check_period(starts_at, ends_at)
    stored = order_document(actor, document, ordered)
    authority = Authority.objects.create(
        child=child,
        holder=holder,
        basis=basis,
        purposes=scope,
        starts_at=start,
        ends_at=ends_at,
        order_number=number,
        document=stored,
        recorded_by=signed_in(actor),
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        child=child,
        object_type="authority",
        object_id=authority.pk,
        detail=f"recorded {rules.audit_basis(authority)} holder={holder.pk}"
        f" scope={','.join(scope) or 'all'} {_period_words(start, ends_at)}{_document_words(stored)}",
    )
    for kind in kinds:
        _restriction_write(
            actor=actor,
            restriction=Restriction(
                child=child, person=holder, kind=kind, starts_at=start, ends_at=ends_at, order_number=number
            ),
            document=stored,
        )
    return authority


def _restriction_write(
    *, actor: Actor, restriction: Restriction, document: OrderDocument | None
) -> Restriction:
    restriction.document = document
    restriction.recorded_by = signed_in(actor)
    restriction.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        child=restriction.child,
        object_type="restriction",
        object_id=restriction.pk,
        detail=f"recorded restriction={restriction.kind} person={restriction.person_id}"
        f" order={restriction.order_number} {_period_words(restriction.starts_at, restriction.ends_at)}"
        f"{_document_words(document)}",
    )
    return restriction


@transaction.atomic
def restriction_record(
    *,
    actor: Actor,
    child_id: int,
    person_id: int | None,
    kind: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    order_number: str,
    document: DocumentRef,
) -> Restriction:
    """A recorder records a court order's restriction on ``person_id`` (a ``Guardian`` of
    the child's household): the order number and its document (an id or a file, as
    ``authority_record``) are required. Takes effect at once (``consent.rule``: a
    ``no_information`` person no longer finds the child; ``consent.authority.holders``
    never names a ``no_contact`` one). Audited."""
    child = access_recording(actor, child_id)
    (kind,) = _check_kinds([kind], "kind")
    person = _member(child, person_id)
    number = _check_order_number(order_number, True)
    start = _check_period(starts_at, ends_at)
    stored = order_document(actor, document, True)
    return _restriction_write(
        actor=actor,
        restriction=Restriction(
            child=child, person=person, kind=kind, starts_at=start, ends_at=ends_at, order_number=number
        ),
        document=stored,
    )


def guardian_for_person(child: Child, user_id: int | None) -> int | None:
    """The household member's guardian id for the API's ``person`` (a user id), or None."""
    if user_id is None:
        return None
    return (
        Guardian.objects.filter(user_id=user_id, family_id=child.family_id)
        .values_list("pk", flat=True)
        .first()
    )
