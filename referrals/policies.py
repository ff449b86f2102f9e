"""Who may see or act on a referral (a case: ``cases.policies``). The only module that touches
django-guardian's tables for referrals.

One gate for every role: the consent rule lives in ``consent.policies`` (``consent_for``
and its bulk forms; ``is_guardian_of``) and every role asks it at the moment of the
read or action:

- guardian: a guardian of the child's family, now;
- recipient: an active consent covering the recipient for ``referral`` and every data
  category the referral carries (otherwise ``NotFound``);
- referrer: an active consent covering the referrer for ``referral`` and
  ``demographics``. A referrer whose consent ended keeps a **stub** (``restricted``):
  the referral's id, status, parties and dates, no child, no reason, notes, outcome or
  screenings, and no action (403 ``consent_required``); FHIR answers 404;
Referral access = an object permission (``view_referral``, direct foreign-key table,
granted at sending to the referrer, the recipient and the child's guardians) AND the
role's gate above. Revocation also removes the recipient's permission row (receiver in
``referrals.receivers``), so a later consent does not silently reopen an old referral.

Missing and forbidden give the same ``NotFound``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import (
    BooleanField,
    DateTimeField,
    Exists,
    Expression,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)

from cases.policies import AccessEnded, consent_end
from consent import decision
from consent import policies as consent_policies
from consent.models import Consent
from consent.policies import consent_for
from directory.roles import provider_of
from people.roles import Actor
from referral_hub.errors import NotFound
from referral_hub.ids import parse_id
from referrals.models import Referral, ReferralUserObjectPermission

VIEW_PERMISSION = "view_referral"

ROLE_REFERRER = "referrer"
ROLE_RECIPIENT = "recipient"
ROLE_GUARDIAN = "guardian"


def _view_permission() -> Permission:
    # Not cached across calls: permission ids change when a test database is flushed.
    return Permission.objects.get(content_type__app_label="referrals", codename=VIEW_PERMISSION)


# --- guardian grants (called by services, inside their transaction) ---------------------


def grant_referral_access(*, referral: Referral, user_ids: Iterable[int]) -> None:
    permission = _view_permission()
    ids = sorted(set(user_ids))
    existing = set(
        ReferralUserObjectPermission.objects.filter(
            content_object=referral, permission=permission, user_id__in=ids
        ).values_list("user_id", flat=True)
    )
    ReferralUserObjectPermission.objects.bulk_create(
        [
            ReferralUserObjectPermission(content_object=referral, permission=permission, user_id=uid)
            for uid in ids
            if uid not in existing
        ]
    )


def revoke_referral_access(*, referral_ids: Iterable[int], user_id: int) -> int:
    deleted, _ = ReferralUserObjectPermission.objects.filter(
        content_object_id__in=list(referral_ids), user_id=user_id, permission__codename=VIEW_PERMISSION
    ).delete()
    return deleted


def permitted_referral_ids(*, user_id: int) -> QuerySet[Any]:
    """Ids of referrals ``user_id`` holds ``view_referral`` on, as a subquery
    (``pk__in=``): PostgreSQL hashes it once instead of probing per row."""
    # The permission id as a literal (one tiny query): a join to auth_permission and
    # django_content_type here skews PostgreSQL's row estimates into per-row probing.
    return ReferralUserObjectPermission.objects.filter(
        user_id=user_id, permission_id=_view_permission().pk
    ).values("content_object_id")


def has_referral_permission(user_ref: str = "pk", *, user_id: int) -> Exists:
    """``Exists`` over the direct permission table, for filtering referral querysets."""
    return Exists(
        ReferralUserObjectPermission.objects.filter(
            content_object_id=OuterRef(user_ref), user_id=user_id, permission__codename=VIEW_PERMISSION
        )
    )


# --- consent on top of permissions -------------------------------------------------------


def recipient_consent(referral: Referral) -> Consent | None:
    return consent_for(
        provider=referral.to_provider,
        child_id=referral.child_id,
        purpose="referral",
        categories=referral.data_categories or ["demographics"],
    )


REFERRER_PURPOSE = "referral"
REFERRER_CATEGORIES = ("demographics",)


def referrer_consent(referral: Referral) -> Consent | None:
    """The referrer's cover for reading the referral's child now (or None: a stub)."""
    if referral.from_provider is None:  # a family's own request: no referring provider
        return None
    return consent_for(
        provider=referral.from_provider,
        child_id=referral.child_id,
        purpose=REFERRER_PURPOSE,
        categories=REFERRER_CATEGORIES,
    )


def child_visible(actor: Actor) -> Expression:
    """Row-wise (on ``Referral``): may ``actor`` see the row's child now? A guardian of
    the family, or a provider covered for ``referral`` + ``demographics`` who, on rows
    where they are the recipient, also still holds the permission row (a recipient who
    declined, or whose consent was revoked, keeps a stub). One SQL expression."""
    if not actor.is_authenticated:
        return Value(False, output_field=BooleanField())
    visible = decision.visible(actor, child_ref="child_id", relations=(decision.GUARDIAN,))
    provider = provider_of(actor)
    if provider is not None:
        covered = decision.visible(
            actor,
            purpose=REFERRER_PURPOSE,
            categories=REFERRER_CATEGORIES,
            child_ref="child_id",
            relations=(decision.CONSENT,),
        )
        permitted = ~Q(to_provider_id=provider.pk) | Q(pk__in=permitted_referral_ids(user_id=actor.pk))
        visible |= covered & permitted
    return decision.as_flag(visible)


def revoked_at_expr(actor: Actor) -> Subquery | Value:
    """Row-wise (on ``Referral``): when a consent covering the actor's listing for the
    row's child was last revoked (null if never): the date a stub names."""
    provider = provider_of(actor)
    if provider is None:
        return Value(None, output_field=DateTimeField())
    revoked = (
        Consent.objects.filter(
            child_id=OuterRef("child_id"), recipient_provider_id=provider.pk, revoked_at__isnull=False
        )
        .order_by("-revoked_at")
        .values("revoked_at")[:1]
    )
    return Subquery(revoked, output_field=DateTimeField())


def referral_access_ended(access: ReferralAccess) -> AccessEnded:
    """Why a stub is a stub: the recipient declined, or the family's consent changed."""
    referral = access.referral
    if access.role == ROLE_RECIPIENT and referral.status == "declined":
        return AccessEnded("declined", referral.responded_at)
    provider = referral.to_provider if access.role == ROLE_RECIPIENT else referral.from_provider
    return consent_end(provider=provider, child_id=referral.child_id)


def _pk(value: object, what: str) -> int:
    pk = parse_id(value)
    if pk is None:
        raise NotFound(what)
    return pk


@dataclass
class ReferralAccess:
    referral: Referral
    role: str
    consent: Consent | None = None
    # The referrer's consent ended: a stub only (no child, no details, no actions).
    restricted: bool = False


def role_in(actor: Actor, referral: Referral) -> str:
    """The actor's part in a referral they just acted on (no access check)."""
    if referral.from_provider is not None and referral.from_provider.user_id == actor.pk:
        return ROLE_REFERRER
    if referral.to_provider.user_id == actor.pk:
        return ROLE_RECIPIENT
    return ROLE_GUARDIAN


def access_referral(actor: Actor, referral_id: int | str) -> ReferralAccess:
    """The referral and the actor's role in it, or ``NotFound`` for missing/forbidden."""
    if not actor.is_authenticated:
        raise NotFound("Referral")
    pk = _pk(referral_id, "Referral")
    referral = (
        Referral.objects.filter(pk=pk)
        .annotate(_perm=has_referral_permission(user_id=actor.pk))
        .select_related("child", "from_provider__organization", "to_provider__organization", "case")
        .first()
    )
    if referral is None:
        raise NotFound("Referral")
    sender = referral.from_provider
    if referral.to_provider.user_id == actor.pk and (sender is None or sender.user_id != actor.pk):
        # The recipient: the permission row (removed at decline and revocation, so a
        # later consent does not silently reopen it) AND a consent now; otherwise the
        # stub they keep (no child, no details, no actions), never a 404 surprise.
        consent = (
            decision.covering_consent(
                actor,
                child_id=referral.child_id,
                purpose="referral",
                categories=referral.data_categories or ["demographics"],
            )
            if referral._perm
            else None
        )
        return ReferralAccess(referral, ROLE_RECIPIENT, consent, restricted=consent is None)
    if not referral._perm:
        raise NotFound("Referral")
    if referral.from_provider is not None and referral.from_provider.user_id == actor.pk:
        consent = decision.covering_consent(
            actor, child_id=referral.child_id, purpose=REFERRER_PURPOSE, categories=REFERRER_CATEGORIES
        )
        return ReferralAccess(referral, ROLE_REFERRER, consent, restricted=consent is None)
    if consent_policies.is_guardian_of(actor, referral.child_id):
        return ReferralAccess(referral, ROLE_GUARDIAN)
    raise NotFound("Referral")
