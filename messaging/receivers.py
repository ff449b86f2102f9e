"""Reactions to other apps' announcements (connected in ``MessagingConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from referral_hub import events
from referral_hub.realtime import send_event_on_commit, user_group
from referrals.models import CareTeamMember


def close_chats_on_consent_revoked(sender: Any, consent: Any, **kwargs: Any) -> None:
    """Runs inside the revocation transaction. Every current team member the consent
    covered gets ``access.changed`` after the commit: their case sockets re-ask the
    policy and close with 4403 if nothing else covers them. (The consent app may send
    the same event; a second re-check is harmless.)"""
    covered = Q()
    if consent.recipient_provider_id is not None:
        covered |= Q(provider_id=consent.recipient_provider_id)
    if consent.recipient_organization_id is not None:
        covered |= Q(provider__organization_id=consent.recipient_organization_id)
    if not covered:
        return
    members = CareTeamMember.objects.filter(covered, case__child_id=consent.child_id, left_at__isnull=True)
    for user_id, case_id in members.values_list("user_id", "case_id").distinct():
        send_event_on_commit(
            user_group(user_id),
            events.access_changed(
                change="revoked", reason="consent_revoked", case_id=case_id, child_id=consent.child_id
            ),
        )
