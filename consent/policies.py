"""THE answer to: may this provider access this child's data of these categories for
this purpose now?

A consent covers a provider when it names the provider, or names the organization the
provider currently belongs to (``Provider.organization``: leaving the organization ends
the cover at once). Every answer is one indexed query; ``covering_consents`` is the bulk
form, usable as a subquery so list pages cost a constant number of queries.

The consent rows are the only record of who may see a child (no object-permission
mirror: see ``consent.decision``). ``consent.decision`` is the one entrance every exit
asks; the functions here are the rule's SQL it (and the per-provider forms used by
referrals and messaging) is built from.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext
from django_stubs_ext import WithAnnotations

from consent import decision
from consent.models import CATEGORY_FIELDS, Consent, SignatureMethod
from consent.rule import _categories, _recipient_q, _scope_filter, barred
from consent.rule import consents_covering_user as consents_covering_user
from consent.rule import covering_consents as covering_consents
from consent.rule import guardian_children_q as guardian_children_q
from consent.rule import guardian_exists as guardian_exists
from consent.rule import is_guardian_of as is_guardian_of
from directory.models import Provider
from families.models import Child, Guardian
from families.roles import guardian_of
from people.roles import Actor, is_coordinator, is_curator
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.ids import id_for_lookup, parse_id


def consent_for(
    *,
    provider: Provider | None,
    child_id: int,
    purpose: str | None,
    categories: Iterable[str] = (),
    at: datetime | None = None,
) -> Consent | None:
    """The consent that allows the access, or None. One indexed query."""
    if provider is None:
        return None
    return (
        covering_consents(provider=provider, purpose=purpose, categories=categories, at=at)
        .filter(child_id=child_id)
        .order_by("-expires_on", "-id")
        .first()
    )


def categories_covered(
    *, provider: Provider, child_id: int, purpose: str, categories: Iterable[str], at: datetime | None = None
) -> list[str]:
    """Which of ``categories`` an active consent covers ``provider`` for, about the child,
    for ``purpose`` (the rule's ``covering_consents``, asked once per category in one
    query). For an exit with no signed-in viewer: a recipient without an account reading
    a referral from a link it was e-mailed sees only these (issue 27)."""
    wanted = [c for c in categories if c in CATEGORY_FIELDS]
    rows = list(
        covering_consents(provider=provider, purpose=purpose, at=at)
        .filter(child_id=child_id)
        .values(*(CATEGORY_FIELDS[c] for c in wanted))
    )
    return [c for c in wanted if any(row[CATEGORY_FIELDS[c]] for row in rows)]


def may_access(
    *, provider: Provider | None, child_id: int, purpose: str | None, categories: Iterable[str] = ()
) -> bool:
    return (
        consent_for(provider=provider, child_id=child_id, purpose=purpose, categories=categories) is not None
    )


def covered_child_ids(
    *, provider: Provider, purpose: str | None, categories: Iterable[str] = ()
) -> QuerySet[Any]:
    """Ids of children covered for ``provider``: use as ``child_id__in=`` in a selector."""
    return covering_consents(provider=provider, purpose=purpose, categories=categories).values("child_id")


def covered_exists(
    *, provider: Provider, purpose: str | None, categories: Iterable[str] = (), child_ref: str = "child_id"
) -> Exists:
    """``Exists`` subquery for annotating/filtering a queryset row by row in SQL: is the
    row's child (``child_ref``) covered for ``provider``?"""
    return Exists(
        covering_consents(provider=provider, purpose=purpose, categories=categories).filter(
            child_id=OuterRef(child_ref)
        )
    )


def row_provider_covered_exists(
    *,
    provider_ref: str,
    organization_ref: str,
    child_ref: str,
    purpose: str | None,
    categories: Iterable[str] = (),
    at: datetime | None = None,
) -> Exists:
    """The same rule when the provider varies per row (care-team lists, mention fan-out):
    an active consent covering the row's provider (``provider_ref``) or its organization
    (``organization_ref``) for ``purpose``/``categories`` about the row's child, in force
    at ``at`` (now by default)."""
    return Exists(_row_consents(provider_ref, organization_ref, child_ref, purpose, categories, at))


def row_provider_consent_id(
    *,
    provider_ref: str,
    organization_ref: str,
    child_ref: str,
    purpose: str | None,
    categories: Iterable[str] = (),
    at: datetime | None = None,
) -> Subquery:
    """Row-wise ``consent_for``: the id of the consent it would answer with for the
    row's provider (``provider_ref``), its organization (``organization_ref``) and child
    (``child_ref``), or null. Lets a caller fold the gate into a query it makes anyway
    (the chat send path asks the database once). ``at`` as ``consent_for``'s."""
    return Subquery(
        _row_consents(provider_ref, organization_ref, child_ref, purpose, categories, at)
        .order_by("-expires_on", "-id")
        .values("id")[:1]
    )


def _row_consents(
    provider_ref: str,
    organization_ref: str,
    child_ref: str,
    purpose: str | None,
    categories: Iterable[str],
    at: datetime | None,
) -> QuerySet[Consent]:
    """The consents in force at ``at`` covering the outer row's provider or organization
    for ``purpose``/``categories`` about the row's child."""
    return (
        Consent.objects.active(at)
        .filter(_recipient_q(OuterRef(provider_ref), OuterRef(organization_ref)))
        .filter(_scope_filter(purpose, categories), child_id=OuterRef(child_ref))
    )


def consent_ends_at(consent: Consent) -> datetime:
    """The instant a consent stops covering (it is valid through its whole expiry day,
    UTC), or its revocation time if earlier. Sockets cache it to close on time."""
    end = datetime.combine(consent.expires_on + timedelta(days=1), time.min, tzinfo=UTC)
    if consent.revoked_at is not None and consent.revoked_at < end:
        return consent.revoked_at
    return end


# --- By user: one query whatever the caller's role ---------------------------------


class ChildAccessFields(TypedDict):
    """What ``visible_children`` annotates on each child."""

    is_own: bool
    access_consent_id: int | None


if TYPE_CHECKING:  # the two-argument form exists for the type checker only
    VisibleChild = WithAnnotations[Child, ChildAccessFields]


def visible_children(
    user: Actor, *, purpose: str | None = None, categories: Iterable[str] | str = ()
) -> QuerySet[VisibleChild]:
    """Children ``user`` may see: their own family's, plus those an active consent covers
    for ``purpose``/``categories`` (the decision point's ``guardian`` and ``consent``
    relations, in the query; the children API and pages are no coordinator's exit).
    Each row is annotated with ``access_consent_id`` (None for the family's own
    guardians) and ``is_own``, for the audit row. A constant number of queries."""
    if user is None or not user.is_authenticated:
        return Child.objects.none()  # type: ignore[return-value]  # an empty queryset carries no annotations
    categories = _categories(categories)
    consent_sq = (
        consents_covering_user(user, purpose=purpose, categories=categories)
        .filter(child_id=OuterRef("pk"))
        .order_by("-expires_on", "-id")
        .values("id")[:1]
    )
    own = guardian_exists(user, "pk")
    return (
        Child.objects.annotate(is_own=own, access_consent_id=Subquery(consent_sq))
        .filter(
            decision.visible(
                user,
                purpose=purpose,
                categories=categories,
                child_ref="pk",
                relations=(decision.GUARDIAN, decision.CONSENT),
            )
        )
        .order_by("date_of_birth", "id")
    )


def access_child(
    actor: Actor,
    child_id: int | None,
    purpose: str | None = None,
    category: Iterable[str] | str | None = None,
) -> VisibleChild:
    """The child if ``actor`` is one of its guardians or a provider an active consent
    covers for ``purpose`` and ``category`` now; otherwise ``NotFound`` (the same answer
    for missing and forbidden). One query. The returned child carries
    ``access_consent_id`` (the consent that allowed it, None for guardians) and
    ``is_own`` for the audit row."""
    pk = parse_id(child_id)
    if pk is None:
        raise NotFound("Child")
    child = visible_children(actor, purpose=purpose, categories=_categories(category)).filter(pk=pk).first()
    if child is None:
        raise NotFound("Child")
    return child


def guardian_for_child(user: Actor, child_id: int) -> Guardian:
    """The guardian row through which ``user`` speaks for the child, or ``NotFound``."""
    guardian = (
        Guardian.objects.filter(
            user_id=user.pk if isinstance(user, User) else 0, family__children__pk=id_for_lookup(child_id)
        )
        .exclude(barred(user, "family__children__pk"))
        .first()
    )
    if guardian is None:
        raise NotFound("Child")
    return guardian


def require_guardian(user: Actor) -> Guardian:
    """Guardian-only operations refuse other roles with 403 ``guardian_only``."""

    guardian = guardian_of(user)
    if guardian is None:
        raise ApplicationError("guardian_only", "Only a child's guardian may do this.", status=403)
    return guardian


def guardian_withdrew(*, provider: Provider, child: Child) -> bool:
    """Has a guardian of ``child``'s family revoked a consent covering ``provider`` (or
    its organization), for any child of the family, with no guardian e-signed grant to
    that provider for ``child`` since? Then a provider's attestation may not restore the
    access: only the guardian can (finding 2 of issue 8). Two indexed queries."""
    recipient = _recipient_q(provider.pk, provider.organization_id)
    last_revoked = (
        Consent.objects.filter(recipient, child__family_id=child.family_id, revoked_at__isnull=False)
        .order_by("-revoked_at")
        .values_list("revoked_at", flat=True)
        .first()
    )
    if last_revoked is None:
        return False
    regranted = Consent.objects.filter(
        recipient,
        child_id=child.pk,
        signature_method=SignatureMethod.PORTAL_ESIGNATURE,
        signed_at__gt=last_revoked,
    )
    return not regranted.exists()


def access_consent(actor: Actor, consent_id: int) -> Consent:
    """A consent the actor may read: any consent for their family's children (guardian),
    or an active one covering them (provider). ``NotFound`` otherwise."""
    pk = parse_id(consent_id)
    if pk is None:
        raise NotFound("Consent")
    if actor is None or not actor.is_authenticated:
        raise NotFound("Consent")
    own = Consent.objects.filter(guardian_children_q(actor, "child__"), pk=pk)
    covering = consents_covering_user(actor).filter(pk=pk)
    consent = (
        Consent.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=covering.values("pk")))
        .select_related(
            "child",
            "granted_by__user",
            "recipient_provider__organization",
            "recipient_organization",
            "attested_by",
            "revoked_by",
        )
        .first()
    )
    if consent is None:
        raise NotFound("Consent")
    return consent


# --- who a consent reaches ------------------------------------------------------------


def consent_user_ids(consent: Consent) -> list[int]:
    """Users a consent reaches: the named provider's login, or the logins of the
    organization's current members."""

    if consent.recipient_provider_id is not None:
        providers = Provider.objects.filter(pk=consent.recipient_provider_id)
    else:
        providers = Provider.objects.filter(organization_id=id_for_lookup(consent.recipient_organization_id))
    return list(providers.filter(user__isnull=False).values_list("user_id", flat=True))


def referral_cover_by_child(child_ids: Iterable[int]) -> dict[int, dict[str, set[int]]]:
    """For each child: the provider ids and organization ids an active consent covers for
    a referral with demographics (what sending one needs at least), so a picker can mark
    who may receive it. One query."""
    cover: dict[int, dict[str, set[int]]] = {
        pk: {"providers": set(), "organizations": set()} for pk in child_ids
    }
    rows = (
        Consent.objects.active()
        .filter(_scope_filter("referral", ["demographics"]), child_id__in=list(cover))
        .values_list("child_id", "recipient_provider_id", "recipient_organization_id")
    )
    for child_id, provider_id, organization_id in rows:
        if provider_id is not None:
            cover[child_id]["providers"].add(provider_id)
        if organization_id is not None:
            cover[child_id]["organizations"].add(organization_id)
    return cover


# --- who records court orders ----------------------------------------------------------

RECORDER_ONLY = "recorder_only"
# The decision point's relation through which a coordinator sees a child (registered by
# ``intake``: a request for it in their queue); no other relation makes a recorder.
COORDINATOR = ("coordinator",)


def is_recorder(actor: Actor) -> bool:
    """Network staff or a care coordinator: the people who record orders."""
    return is_curator(actor) or is_coordinator(actor)


def recorded_child(pk: int | None) -> Child:
    child = Child.objects.filter(pk=pk).select_related("family").first() if pk is not None else None
    if child is None:
        raise NotFound("Child")
    return child


def recorder_may_see(actor: Actor, child_id: int) -> bool:
    """A curator sees any child's orders; a coordinator those of a child the decision
    point lets them see (their queue's)."""
    if is_curator(actor):
        return True
    return is_coordinator(actor) and bool(decision.decide(actor, child_id=child_id, relations=COORDINATOR))


def require_recorder(actor: Actor) -> None:
    if not is_recorder(actor):
        raise ApplicationError(
            RECORDER_ONLY,
            gettext("Only network staff or a care coordinator may record a court order."),
            status=403,
        )


def access_recording(actor: Actor, child_id: int | None) -> Child:
    """The child ``actor`` may record an order for: 403 ``recorder_only`` for anyone but
    staff and coordinators (asked first: the child's existence is not disclosed), 404
    for a missing child or one outside a coordinator's queue."""
    require_recorder(actor)
    pk = parse_id(child_id)
    if pk is None or not recorder_may_see(actor, pk):
        raise NotFound("Child")
    return recorded_child(pk)
