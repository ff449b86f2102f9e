"""Who may open a case: a guardian of its child, or a current care-team member still
covered by consent for ``care_coordination``; and, for those who lost a case, why.

The consent rule is asked through ``consent.decision`` and ``consent.policies``; the
membership is our own table (``CareTeamMember``). Missing and forbidden give the same
``NotFound``. Referrals and messaging build on these (``member_covered_exists`` and
``member_consent_id`` are the row-wise forms the chat gate uses).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cases.models import CareTeamMember, Case
from consent import decision
from consent import policies as consent_policies
from consent.models import Consent
from consent.policies import consent_ends_at
from directory.roles import provider_of
from people.roles import Actor
from referral_hub.errors import NotFound
from referral_hub.ids import parse_id

TEAM_PURPOSE = "care_coordination"


def _pk(value: object, what: str) -> int:
    pk = parse_id(value)
    if pk is None:
        raise NotFound(what)
    return pk


@dataclass
class CaseAccess:
    case: Case
    role: str  # "guardian" or "member"
    membership: CareTeamMember | None = None


def access_case(actor: Actor, case_id: int | str) -> CaseAccess:
    """The case if ``actor`` is a guardian of its child, or a current team member still
    covered by consent for ``care_coordination``; ``NotFound`` otherwise."""
    if not actor.is_authenticated:
        raise NotFound("Case")
    pk = _pk(case_id, "Case")
    case = Case.objects.filter(pk=pk).select_related("child").first()
    if case is None:
        raise NotFound("Case")
    if consent_policies.is_guardian_of(actor, case.child_id):
        return CaseAccess(case, "guardian")
    membership = (
        CareTeamMember.objects.filter(case=case, user_id=actor.pk, left_at__isnull=True)
        .select_related("provider")
        .first()
    )
    if membership is None:
        raise NotFound("Case")
    if decision.covering_consent(actor, child_id=case.child_id, purpose=TEAM_PURPOSE) is None:
        raise NotFound("Case")
    return CaseAccess(case, "member", membership)


def member_covered_exists(purpose: str, categories: Iterable[str] = (), at: datetime | None = None) -> Exists:
    """Row-wise (on ``CareTeamMember``): the member's provider is covered now (or at ``at``)."""
    return consent_policies.row_provider_covered_exists(
        provider_ref="provider_id",
        organization_ref="provider__organization_id",
        child_ref="case__child_id",
        purpose=purpose,
        categories=categories,
        at=at,
    )


def member_consent_id(purpose: str, categories: Iterable[str] = (), at: datetime | None = None) -> Subquery:
    """Row-wise (on ``CareTeamMember``): the consent covering the member's provider now
    (or at ``at``; ``consent_for``'s answer), or null."""
    return consent_policies.row_provider_consent_id(
        provider_ref="provider_id",
        organization_ref="provider__organization_id",
        child_ref="case__child_id",
        purpose=purpose,
        categories=categories,
        at=at,
    )


def visible_cases(actor: Actor) -> QuerySet[Case]:
    """Cases ``actor`` may open (same rule as ``access_case``), as one SQL filter."""
    if not actor.is_authenticated:
        return Case.objects.none()
    guardian_q = consent_policies.guardian_exists(actor, "child_id")
    provider = provider_of(actor)
    if provider is None:
        return Case.objects.filter(guardian_q)
    member = CareTeamMember.objects.filter(case_id=OuterRef("pk"), user_id=actor.pk, left_at__isnull=True)
    covered = consent_policies.covered_exists(provider=provider, purpose=TEAM_PURPOSE)
    return Case.objects.filter(guardian_q | (Exists(member) & covered))


# --- why access ended (stubs for former members, instead of a 404 surprise) -------------


@dataclass(frozen=True)
class AccessEnded:
    """Why and since when someone who used to see a case or referral no longer does:
    ``consent_revoked`` / ``consent_expired`` (the family's consent changed on ``at``),
    ``consent_changed`` (no consent covers it now; no date known), ``left_team``
    (the membership ended otherwise), ``declined`` (they declined the referral)."""

    reason: str
    at: datetime | None = None


def consent_end(*, provider: Any, child_id: int) -> AccessEnded:
    """The latest consent covering ``provider`` for the child that was revoked or ran
    out: which, and when (two indexed queries)."""
    covers = Q(recipient_provider_id=provider.pk)
    if provider.organization_id is not None:
        covers |= Q(recipient_organization_id=provider.organization_id)
    theirs = Consent.objects.filter(covers, child_id=child_id)
    ended: list[AccessEnded] = []
    revoked = theirs.filter(revoked_at__isnull=False).order_by("-revoked_at").first()
    if revoked is not None:
        ended.append(AccessEnded("consent_revoked", consent_ends_at(revoked)))
    today = timezone.now().date()
    lapsed = theirs.filter(revoked_at__isnull=True, expires_on__lt=today).order_by("-expires_on").first()
    if lapsed is not None:
        ended.append(AccessEnded("consent_expired", consent_ends_at(lapsed)))
    if not ended:
        return AccessEnded("consent_changed")
    return max(ended, key=lambda e: e.at or timezone.now())


def membership_end(member: CareTeamMember) -> AccessEnded:
    """Why ``member`` (ended, or current but no longer covered) lost the case."""
    if member.left_at is not None:
        if member.left_reason in ("consent_revoked", "consent_expired"):
            # The consent's own instant (the membership ended in the same transaction).
            ended = consent_end(provider=member.provider, child_id=member.case.child_id)
            return ended if ended.at is not None else AccessEnded(member.left_reason, member.left_at)
        return AccessEnded("left_team", member.left_at)
    return consent_end(provider=member.provider, child_id=member.case.child_id)


def former_case_access(actor: Actor, case_id: int | str) -> tuple[Case, AccessEnded] | None:
    """For a case page ``actor`` may not open: the case and why their access ended when
    they were once on its team; None for everyone else (who get the usual 404)."""
    if not actor.is_authenticated:
        return None
    pk = parse_id(case_id)
    if pk is None:
        return None
    member = (
        CareTeamMember.objects.select_related("case", "provider")
        .filter(case_id=pk, user_id=actor.pk)
        .order_by("-joined_at", "-id")
        .first()
    )
    if member is None:
        return None
    return member.case, membership_end(member)
