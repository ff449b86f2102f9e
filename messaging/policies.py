"""May this user chat on this case now?

Yes while BOTH hold: the user is a current member of the case's care team
(``CareTeamMember.left_at`` is null) AND a guardian's active consent covers the member's
provider for purpose ``messaging`` and data category ``case_notes`` for the case's child
(``consent.decision.covering_consent``, the one decision point). Membership alone never
discloses. Asked on connect, on every socket frame and on every REST call: two indexed
queries (membership with its case and provider, then the consent gate).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Aggregate, CharField, OuterRef, QuerySet, Subquery

from cases.models import CareTeamMember
from cases.policies import member_consent_id, member_covered_exists, membership_end
from consent import decision
from consent.models import Consent
from consent.policies import consent_ends_at
from directory.models import Provider
from people.roles import Actor
from referral_hub.errors import NotFound
from referral_hub.ids import parse_id

CHAT_PURPOSE = "messaging"
CHAT_CATEGORIES = ("case_notes",)
# What audit rows name: chat is care coordination on case notes.
AUDIT_PURPOSE = "care_coordination"
AUDIT_CATEGORY = "case_notes"


@dataclass(frozen=True)
class ChatAccess:
    member: CareTeamMember
    consent: Consent

    @property
    def case_id(self) -> int:
        return self.member.case_id

    @property
    def child_id(self) -> int:
        return self.member.case.child_id

    @property
    def provider(self) -> Provider:
        return self.member.provider


def chat_access(user: Actor, case_id: int) -> ChatAccess | None:
    """The membership and consent that allow ``user`` to chat on ``case_id``, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if parse_id(case_id) is None:
        return None
    member = (
        CareTeamMember.objects.select_related("case", "provider")
        # is_active from the database, not from `user`: a socket's user object was
        # loaded at connect and would not see a later deactivation.
        .filter(case_id=case_id, user_id=user.pk, left_at__isnull=True, user__is_active=True)
        .first()
    )
    if member is None:
        return None
    consent = decision.covering_consent(
        user, child_id=member.case.child_id, purpose=CHAT_PURPOSE, categories=CHAT_CATEGORIES
    )
    if consent is None:
        return None
    return ChatAccess(member=member, consent=consent)


def chat_gate_may_open(user: Actor, case_id: int) -> bool:
    """False when ``user`` cannot be let in whatever the rows say (anonymous, inactive,
    a malformed case id): ``chat_gate`` answers None then, without a query."""
    return user is not None and user.is_authenticated and user.is_active and parse_id(case_id) is not None


def chat_gate(user: Actor, case_id: int, at: datetime | None = None) -> QuerySet[CareTeamMember] | None:
    """``chat_access`` as ONE query to build on: the user's current membership of the
    case (with case and provider), annotated ``gate_consent_id``, the consent that lets
    them chat now (``consent_for``'s answer), or null: then no access. The send path adds
    its own annotations so a send asks the database once. None when ``user`` cannot be
    let in whatever the rows say (anonymous, inactive, a malformed case id). ``at``:
    now by default (the send path passes it to reuse the compiled query)."""
    if not chat_gate_may_open(user, case_id) or not isinstance(user, User):
        return None
    return (
        CareTeamMember.objects.select_related("case", "provider")
        .filter(case_id=case_id, user_id=user.pk, left_at__isnull=True, user__is_active=True)
        .annotate(gate_consent_id=member_consent_id(CHAT_PURPOSE, CHAT_CATEGORIES, at))
    )


@dataclass(frozen=True)
class ChatPass:
    """``chat_access_many``'s yes for one user: the consent that lets them chat now and
    the instant it stops covering (``consent_ends_at``: a socket arms its timer on it)."""

    consent_id: int
    ends_at: datetime


def chat_access_many(
    case_id: int, user_ids: Iterable[int], at: datetime | None = None
) -> dict[int, ChatPass]:
    """``chat_access`` for several users of ONE case in one query: the user ids the gate
    lets in now, each with its ``ChatPass``; a user left out may not chat here. The same
    rows and the same consent answer as ``chat_gate`` (current membership, active
    account, ``gate_consent_id`` from the consent decision), for a process's periodic
    re-check of all its sockets of the case at once (``messaging.recheck``)."""
    ids = sorted({pk for pk in user_ids if parse_id(pk) is not None})
    if parse_id(case_id) is None or not ids:
        return {}
    gate_consent = Consent.objects.filter(pk=OuterRef("gate_consent_id"))
    rows = (
        CareTeamMember.objects.filter(
            case_id=case_id, user_id__in=ids, left_at__isnull=True, user__is_active=True
        )
        .annotate(gate_consent_id=member_consent_id(CHAT_PURPOSE, CHAT_CATEGORIES, at))
        .filter(gate_consent_id__isnull=False)
        .annotate(
            gate_expires_on=Subquery(gate_consent.values("expires_on")[:1]),
            gate_revoked_at=Subquery(gate_consent.values("revoked_at")[:1]),
        )
        .order_by("id")
        .values_list("user_id", "gate_consent_id", "gate_expires_on", "gate_revoked_at")
    )
    passes: dict[int, ChatPass] = {}
    for user_id, consent_id, expires_on, revoked_at in rows:
        ends_at = consent_ends_at(Consent(pk=consent_id, expires_on=expires_on, revoked_at=revoked_at))
        passes.setdefault(user_id, ChatPass(consent_id=consent_id, ends_at=ends_at))
    return passes


class _IdList(Aggregate):
    """Comma-separated ids (GROUP_CONCAT on SQLite, string_agg on PostgreSQL)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, function="STRING_AGG", template="%(function)s((%(expressions)s)::text, ',')"
        )


def chat_other_member_ids(at: datetime | None = None) -> Subquery:
    """Row-wise (on a ``chat_gate`` row): the user ids of every OTHER member the gate
    lets in now, comma-separated (``chat_members`` folded into the caller's query)."""
    others = (
        CareTeamMember.objects.filter(case_id=OuterRef("case_id"), left_at__isnull=True, user__is_active=True)
        .exclude(user_id=OuterRef("user_id"))
        .filter(member_covered_exists(CHAT_PURPOSE, CHAT_CATEGORIES, at))
        .order_by()
        .values("case_id")
        .annotate(ids=_IdList("user_id"))
        .values("ids")
    )
    return Subquery(others, output_field=CharField())


def chat_members(*, case_id: int) -> QuerySet[CareTeamMember]:
    """Members the gate lets into the case chat now, in one query (the bulk form of
    ``chat_access``, for fan-out such as mentions)."""
    return CareTeamMember.objects.filter(case_id=case_id, left_at__isnull=True, user__is_active=True).filter(
        member_covered_exists(CHAT_PURPOSE, CHAT_CATEGORIES)
    )


def chat_open_case_ids(*, user_id: int, case_ids: list[int]) -> set[int]:
    """Of ``case_ids``, those ``user_id`` may chat on now (``chat_access`` in bulk, one
    query): only there does the Cases page show what the last message said."""
    members = CareTeamMember.objects.filter(
        case_id__in=case_ids, user_id=user_id, left_at__isnull=True, user__is_active=True
    ).filter(member_covered_exists(CHAT_PURPOSE, CHAT_CATEGORIES))
    return set(members.values_list("case_id", flat=True))


def access_case_chat(actor: Actor, case_id: int) -> ChatAccess:
    """``chat_access`` or the same not-found for a missing case and a forbidden one."""
    access = chat_access(actor, case_id)
    if access is None:
        raise NotFound("Case")
    return access


# Why a socket was closed (or refused) with 4403: the close reason and the
# ``access.ended`` frame carry one of these, the page says it in plain words.
DENIAL_REASONS = (
    "consent_revoked",  # the family revoked the consent that covered the member
    "consent_expired",  # it ran out
    "consent_changed",  # no consent covers chat any more (e.g. a narrower one replaced it)
    "left_team",  # the membership ended for another reason (e.g. the referral was declined)
    "account_inactive",
    "signed_out",
    "not_member",  # never on this case's team: nothing more is said
)


@dataclass(frozen=True)
class Denial:
    reason: str
    at: datetime | None = None


def chat_denial(user: Actor, case_id: int) -> Denial:
    """Why ``user`` may not chat on ``case_id`` now, for someone who was on the team:
    the end of their membership or of the consent behind it (a few indexed queries,
    asked once when a socket closes). Outsiders get ``not_member`` and nothing else."""
    if not isinstance(user, User) or not User.objects.filter(pk=user.pk, is_active=True).exists():
        return Denial("account_inactive")
    member = (
        CareTeamMember.objects.select_related("case", "provider")
        .filter(case_id=case_id, user_id=user.pk)
        .order_by("-joined_at", "-id")
        .first()
    )
    if member is None:
        return Denial("not_member")
    ended = membership_end(member)
    return Denial(ended.reason, ended.at)
