"""THE decision point: may this viewer see this child's data, for this purpose and these
data categories, now?

Every exit that carries a child's data asks it (API and page output, FHIR and CSV
exports, notice payloads, e-mail bodies, socket frames, list queries), in one of two
forms that answer the same rule:

- ``decide(viewer, child_id=, purpose=, categories=)`` -> ``Decision`` for one child
  (one query): allowed or not, through which relation, under which consent;
- ``visible(viewer, purpose=, categories=, child_ref=)`` -> a boolean SQL expression
  over a queryset's rows (``filter(visible(...))`` or annotate it), so lists filter in
  the query, never after.

The answer comes from the viewer's relation to the child and the consent's state at
this moment (``at``, now by default):

- ``guardian``: a guardian of the child's family whom no court order's
  ``no_information`` restriction keeps from the child (``rule.guardian_exists``);
- ``consent``: a provider an active consent covers (named, or through the organization
  the provider belongs to now) for the purpose and every category
  (``rule.consents_covering_user``: the rule's SQL, written once);
- relations registered by apps above consent, from their ``AppConfig.ready()``, with
  ``register_relation(name, fn)``: ``fn(viewer, purpose, categories, child_ref, at)``
  returns the SQL condition under which that relation holds for the row's child, or
  None when it can never hold for this viewer (e.g. ``intake``'s ``coordinator``: a
  request for the child in the coordinators' queue now). A relation states its own
  purposes and categories; it never widens another's.

Anything else, and every viewer not signed in, is denied.

The django-guardian ``families.view_child`` mirror is gone (docs/consent.md, "The
decision point"): it was written on grant and removed on revocation, but nothing read
it, and it could not follow organization membership, which the consent rows do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import Combinable

from consent import rule
from consent.models import Consent
from families.models import Child
from people.roles import Actor
from referral_hub.ids import parse_id

GUARDIAN = "guardian"
CONSENT = "consent"

Condition = Q | Combinable
RelationFn = Callable[[Actor, str | None, tuple[str, ...], str, datetime | None], Condition | None]

_relations: dict[str, RelationFn] = {}


def register_relation(name: str, fn: RelationFn) -> None:
    """Register (or replace: ``ready()`` may run twice) a relation that lets a viewer
    see a child. Called by apps above consent from their ``AppConfig.ready()``."""
    if name in (GUARDIAN, CONSENT):
        raise ValueError(f"{name!r} is built in")
    _relations[name] = fn


def registered_relations() -> tuple[str, ...]:
    return (GUARDIAN, CONSENT, *_relations)


def _signed_in(viewer: Actor | None) -> bool:
    return viewer is not None and bool(viewer.is_authenticated)


def _categories(categories: Iterable[str] | str) -> tuple[str, ...]:
    return (categories,) if isinstance(categories, str) else tuple(categories)


def _consents(
    viewer: Actor, purpose: str | None, categories: tuple[str, ...], child_ref: str, at: datetime | None
) -> QuerySet[Consent]:
    return (
        rule.consents_covering_user(viewer, purpose=purpose, categories=categories, at=at)
        .filter(child_id=OuterRef(child_ref))
        .order_by("-expires_on", "-id")
    )


def _conditions(
    viewer: Actor,
    purpose: str | None,
    categories: tuple[str, ...],
    child_ref: str,
    at: datetime | None,
    relations: Iterable[str] | None = None,
) -> dict[str, Condition]:
    """The condition of each relation asked (``relations``: names; None: all of them)."""
    wanted = set(registered_relations() if relations is None else relations)
    found: dict[str, Condition] = {}
    if GUARDIAN in wanted:
        found[GUARDIAN] = rule.guardian_exists(viewer, child_ref, at)
    if CONSENT in wanted:
        found[CONSENT] = Exists(_consents(viewer, purpose, categories, child_ref, at))
    for name, fn in _relations.items():
        condition = fn(viewer, purpose, categories, child_ref, at) if name in wanted else None
        if condition is not None:
            found[name] = condition
    return found


def visible(
    viewer: Actor | None,
    *,
    purpose: str | None = None,
    categories: Iterable[str] | str = (),
    child_ref: str = "child_id",
    at: datetime | None = None,
    relations: Iterable[str] | None = None,
) -> Q:
    """The rule as a condition on a queryset's rows: does ``viewer`` see the row's child
    (``child_ref``: ``"pk"`` on ``Child``, ``"child_id"`` or ``"referral__child_id"``
    elsewhere) for ``purpose``/``categories`` at ``at``? Use in ``filter()`` (lists) or
    wrapped with ``as_flag`` in ``annotate()`` (a stub instead of a row). ``relations``
    narrows which relations count (an exit the contract keeps from a role, e.g. the
    children API from coordinators); None: every relation."""
    conditions = (
        _conditions(viewer, purpose, _categories(categories), child_ref, at, relations)
        if viewer is not None and _signed_in(viewer)
        else {}
    )
    q = Q(pk__in=[])
    for condition in conditions.values():
        q |= condition if isinstance(condition, Q) else Q(condition)
    return q


def as_flag(condition: Q) -> ExpressionWrapper[Q]:
    """``annotate(child_visible=as_flag(visible(...)))``."""
    return ExpressionWrapper(condition, output_field=BooleanField())


@dataclass(frozen=True)
class Decision:
    """The answer for one viewer and one child. ``relation`` is the first relation that
    allows it (``guardian``, ``consent`` or a registered one), None when denied;
    ``consent_id`` is the covering consent (for the audit row) when there is one."""

    allowed: bool
    relation: str | None
    consent_id: int | None

    def __bool__(self) -> bool:
        return self.allowed


DENIED = Decision(allowed=False, relation=None, consent_id=None)


def decide(
    viewer: Actor | None,
    *,
    child_id: int,
    purpose: str | None = None,
    categories: Iterable[str] | str = (),
    at: datetime | None = None,
    relations: Iterable[str] | None = None,
) -> Decision:
    """May ``viewer`` see this child's data of ``categories`` for ``purpose`` at ``at``
    (now)? One query. ``relations`` as ``visible``'s."""
    pk = parse_id(child_id)
    if pk is None or viewer is None or not _signed_in(viewer):
        return DENIED
    cats = _categories(categories)
    conditions = _conditions(viewer, purpose, cats, "pk", at, relations)
    flags = {f"rel_{name}": as_flag(c if isinstance(c, Q) else Q(c)) for name, c in conditions.items()}
    row = (
        Child.objects.filter(pk=pk)
        .annotate(
            **flags, covering_consent=Subquery(_consents(viewer, purpose, cats, "pk", at).values("id")[:1])
        )
        .values(*flags, "covering_consent")
        .first()
    )
    if row is None:
        return DENIED
    for name in conditions:
        if row[f"rel_{name}"]:
            return Decision(allowed=True, relation=name, consent_id=row["covering_consent"])
    return DENIED


def covering_consent(
    viewer: Actor | None,
    *,
    child_id: int,
    purpose: str | None = None,
    categories: Iterable[str] | str = (),
    at: datetime | None = None,
) -> Consent | None:
    """The ``consent`` relation's answer as the consent itself (or None), for exits that
    need more than yes or no: the audit row names it, a socket caches when it ends. One
    query; the same rule as ``decide``."""
    pk = parse_id(child_id)
    if pk is None or viewer is None or not _signed_in(viewer):
        return None
    return (
        rule.consents_covering_user(viewer, purpose=purpose, categories=_categories(categories), at=at)
        .filter(child_id=pk)
        .order_by("-expires_on", "-id")
        .first()
    )


def may_see(
    viewer: Actor | None,
    *,
    child_id: int,
    purpose: str | None = None,
    categories: Iterable[str] | str = (),
    at: datetime | None = None,
) -> bool:
    return decide(viewer, child_id=child_id, purpose=purpose, categories=categories, at=at).allowed


def covered_by(
    viewer: Actor | None,
    *,
    consent_id: int | None,
    purpose: str | None = None,
    categories: Iterable[str] | str = (),
    at: datetime | None = None,
) -> bool:
    """Does this very consent cover ``viewer`` for ``purpose``/``categories`` at ``at``
    (now)? For an exit whose data that one consent alone authorizes (a family's request
    for help: the contact details it named as shared with the recipient). One query;
    the ``consent`` relation's rule."""
    pk = parse_id(consent_id)
    if pk is None or viewer is None or not _signed_in(viewer):
        return False
    return (
        rule.consents_covering_user(viewer, purpose=purpose, categories=_categories(categories), at=at)
        .filter(pk=pk)
        .exists()
    )
