"""Writes for cases and care teams: opening a case (audited), joining and leaving the
team, ending memberships when consent no longer covers them (the access-end hook
``CasesConfig.ready`` registers), and the audited list reads of cases.

Referrals adds the recipient and the referrer through ``care_team_member_add``;
messaging's chat socket ends a lapsed membership through ``care_team_end_lapsed``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import audit_denied, audit_list_read, audit_record
from cases import extensions, policies
from cases.models import CareTeamMember, Case, TeamRole
from consent.hooks import AccessEnd
from consent.models import Consent
from consent.policies import consent_for
from directory.models import Provider
from families.models import Child
from people.roles import Actor
from referral_hub import events
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.ids import id_for_lookup, parse_id
from referral_hub.realtime import case_group, send_event_on_commit, user_group


def _refused(*, actor: Actor, case_id: int, what: str) -> None:
    """A refused attempt on a case (missing, never shared, or no longer covered by
    consent) goes to the child's access log as ``denied``: the family sees who tried.
    An id that names nothing is logged on the actor's chain."""
    if not actor.is_authenticated:
        return
    pk = parse_id(case_id)
    child_id = Case.objects.filter(pk=pk).values_list("child_id", flat=True).first() if pk else None
    audit_denied(
        actor=actor,
        action=Action.VIEW,
        child_id=child_id,
        purpose="care_coordination",
        object_type="case",
        object_id=pk if pk is not None else str(case_id)[:64],
        detail=f"{what}: refused (case not shared with this account)",
    )


def case_open(*, actor: Actor, case_id: int) -> policies.CaseAccess:
    """Open a case (``access_case``) and log the read of the child's team record (or
    the refusal, for the child)."""
    try:
        access = policies.access_case(actor, case_id)
    except NotFound:
        _refused(actor=actor, case_id=case_id, what="view")
        raise
    audit_record(
        actor=actor,
        action=Action.VIEW,
        child_id=access.case.child_id,
        data_category="demographics",
        purpose="care_coordination",
        object_type="case",
        object_id=access.case.pk,
    )
    return access


def case_refused(*, actor: Actor, case_id: int, what: str) -> None:
    """Log a refused attempt on a case made elsewhere (the chat page and socket)."""
    _refused(actor=actor, case_id=case_id, what=what)


def case_get_or_create(*, child: Child) -> Case:
    case, _ = Case.objects.get_or_create(child=child)
    return case


def care_team_member_add(*, case: Case, provider: Provider, role: str) -> CareTeamMember:
    """Add ``provider`` to the case's team (idempotent: an existing current membership is
    returned). The caller has checked the ``care_coordination`` consent."""
    if role not in TeamRole.values:
        raise ValueError(f"unknown team role {role!r}")
    if provider.user_id is None:
        raise ApplicationError("recipient_has_no_account", "Team members need an account.", status=400)
    current = CareTeamMember.objects.filter(case=case, provider=provider, left_at__isnull=True).first()
    if current is not None:
        return current
    member = CareTeamMember.objects.create(case=case, provider=provider, user_id=provider.user_id, role=role)
    event = events.access_changed(
        change="joined", reason="team_joined", case_id=case.pk, child_id=case.child_id
    )
    send_event_on_commit(user_group(provider.user_id), event)
    _announce_team_change(member, "joined", member.joined_at)
    return member


def care_team_member_end(*, membership: CareTeamMember, reason: str, announce: bool = True) -> None:
    """End a membership (``left_at``) and tell the member's sockets to re-check access
    (``announce=False`` when consent ending access tells them itself: one event per
    user, ``consent.hooks``)."""
    if membership.left_at is not None:
        return
    membership.left_at = timezone.now()
    membership.left_reason = reason[:100]
    membership.save(update_fields=["left_at", "left_reason"])
    if announce:
        event = events.access_changed(change="left", reason=reason, case_id=membership.case_id)
        # To the user's group: every socket of theirs (case chats included) re-checks access.
        send_event_on_commit(user_group(membership.user_id), event)
    _announce_team_change(membership, "left", membership.left_at)


def _announce_team_change(membership: CareTeamMember, change: Literal["joined", "left"], at: Any) -> None:
    """The rest of the team hears it after commit: the case group (the chat says "… left
    the care team") and each current member's user group (team lists and Cases pages
    refresh). Names the member's public listing only, never why they left. Then the
    registered ``extensions.team_change_listeners`` run (messaging: the member's own
    unread total)."""
    provider = membership.provider
    listing = {"id": provider.pk, "name": provider.name, "discipline": provider.discipline}
    send_event_on_commit(
        case_group(membership.case_id),
        events.team_changed(
            case_id=membership.case_id,
            change=change,
            user_id=membership.user_id,
            provider=listing,
            at=at.isoformat() if at else timezone.now().isoformat(),
        ),
    )
    others = CareTeamMember.objects.filter(case_id=membership.case_id, left_at__isnull=True).exclude(
        user_id=membership.user_id
    )
    for user_id in others.values_list("user_id", flat=True).distinct():
        send_event_on_commit(
            user_group(user_id), events.case_activity(case_id=membership.case_id, change="team")
        )
    for listener in extensions.team_change_listeners.values():
        listener(membership, change)


@transaction.atomic
def care_team_end_lapsed(*, case_id: int, user_id: int) -> bool:
    """End ``user_id``'s current membership of the case when no consent covers its
    provider for ``care_coordination`` any more (expiry has no signal of its own: the
    chat socket calls this at the expiry instant, the ``expire_consents`` job for every
    consent). Idempotent; True when a membership ended."""
    membership = (
        CareTeamMember.objects.select_for_update(of=("self",))
        .select_related("provider__organization", "case")
        .filter(case_id=case_id, user_id=user_id, left_at__isnull=True)
        .first()
    )
    if membership is None:
        return False
    covered = consent_for(
        provider=membership.provider, child_id=membership.case.child_id, purpose=policies.TEAM_PURPOSE
    )
    if covered is not None:
        return False
    care_team_member_end(membership=membership, reason="consent_expired")
    return True


# --- consent revocation or expiry (an access-end hook, inside that transaction) ---------


def providers_of_consent(consent: Consent) -> list[Provider]:
    """The providers a consent covered: the named one, or everyone of the organization."""
    if consent.recipient_provider_id is not None:
        return list(Provider.objects.filter(pk=consent.recipient_provider_id).select_related("organization"))
    return list(
        Provider.objects.filter(
            organization_id=id_for_lookup(consent.recipient_organization_id)
        ).select_related("organization")
    )


def care_team_end_for_consent(end: AccessEnd) -> set[int]:
    """Registered with ``consent.hooks`` (``CasesConfig.ready``): called inside the
    revoking (or expiry-recording) transaction. Ends the care-team memberships of the
    consent's providers that no other active consent still covers for
    ``care_coordination``. Sends no ``access.changed`` (consent sends one per user);
    returns the users whose membership it ended."""
    consent = end.consent
    by_id = {p.pk: p for p in providers_of_consent(consent)}
    touched: set[int] = set()
    if not by_id:
        return touched
    memberships = CareTeamMember.objects.filter(
        case__child_id=consent.child_id, provider_id__in=by_id, left_at__isnull=True
    )
    for membership in memberships:
        provider = by_id[membership.provider_id]
        if consent_for(provider=provider, child_id=consent.child_id, purpose=policies.TEAM_PURPOSE) is None:
            care_team_member_end(membership=membership, reason=end.reason, announce=False)
            touched.add(membership.user_id)
    return touched


# --- audited list reads -----------------------------------------------------------------


def cases_shown(*, actor: Actor, cases: Iterable[Case], detail: str) -> None:
    """A list showed these cases (each names its child): one audit row per child."""
    audit_list_read(
        actor=actor,
        object_type="case",
        purpose="care_coordination",
        detail=detail,
        rows=[(case.child_id, case.pk) for case in cases],
    )
