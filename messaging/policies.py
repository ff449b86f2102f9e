"""May this user chat on this case now?

Yes while BOTH hold: the user is a current member of the case's care team
(``CareTeamMember.left_at`` is null) AND a guardian's active consent covers the member's
provider for purpose ``messaging`` and data category ``case_notes`` for the case's child
(``consent.policies.consent_for``, the one consent gate). Membership alone never
discloses. Asked on connect, on every socket frame and on every REST call: two indexed
queries (membership with its case and provider, then the consent gate).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from consent.models import Consent
from consent.policies import consent_for
from directory.models import Provider
from people.roles import Actor
from referral_hub.errors import NotFound
from referral_hub.ids import parse_id
from referrals.models import CareTeamMember
from referrals.policies import member_covered_exists

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
    consent = consent_for(
        provider=member.provider,
        child_id=member.case.child_id,
        purpose=CHAT_PURPOSE,
        categories=CHAT_CATEGORIES,
    )
    if consent is None:
        return None
    return ChatAccess(member=member, consent=consent)


def chat_members(*, case_id: int) -> QuerySet[CareTeamMember]:
    """Members the gate lets into the case chat now, in one query (the bulk form of
    ``chat_access``, for fan-out such as mentions)."""
    return CareTeamMember.objects.filter(case_id=case_id, left_at__isnull=True, user__is_active=True).filter(
        member_covered_exists(CHAT_PURPOSE, CHAT_CATEGORIES)
    )


def access_case_chat(actor: Actor, case_id: int) -> ChatAccess:
    """``chat_access`` or the same not-found for a missing case and a forbidden one."""
    access = chat_access(actor, case_id)
    if access is None:
        raise NotFound("Case")
    return access
