"""Issue 23, "one way access ends": a revocation (or recorded expiry) tells each
affected user exactly once. Referrals (care team, referral permissions) and messaging
(open chats) used to send their own ``access.changed`` from signal receivers, so one
revocation reached the same socket up to four times, in an order set by
INSTALLED_APPS. Now consent calls their registered hooks and sends one event per user."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from cases.models import CareTeamMember
from consent.hooks import registered_hooks
from consent.services import consents_record_expiry
from tests.factories.directory import ProviderFactory
from tests.factories.referrals import grant, send
from tests.referrals.conftest import advance, revoke

pytestmark = pytest.mark.django_db


def _access_changed(inbox) -> list[dict]:
    return [e for e in inbox.drain() if e["type"] == "access.changed"]


def test_referrals_and_messaging_register_their_hooks_with_consent():
    assert {"cases.care_team", "referrals.permissions", "messaging.chats"} <= set(registered_hooks())


def test_revoking_sends_one_access_changed_to_a_team_member_with_a_referral_and_a_chat(
    world, inbox_of, django_capture_on_commit_callbacks
):
    # The recipient: named by the consent, on the care team (chat), holding the
    # referral's permission row: four reasons to be told, one event.
    referral = advance(world, send(world), "accepted")
    assert CareTeamMember.objects.filter(case=referral.case, user=world.recipient.user).exists()
    recipient, referrer = inbox_of(world.recipient.user.pk), inbox_of(world.referrer.user.pk)
    with django_capture_on_commit_callbacks(execute=True):
        revoke(world, world.consents["recipient"])
    assert _access_changed(recipient) == [
        {
            "type": "access.changed",
            "change": "revoked",
            "reason": "consent_revoked",
            "child_id": world.child.pk,
            "consent_id": world.consents["recipient"].pk,
            "case_id": None,
            "referral_id": None,
        }
    ]
    assert _access_changed(referrer) == []  # their own consent still covers them


def test_an_organization_consent_tells_each_member_once(world, inbox_of, django_capture_on_commit_callbacks):
    organization = world.recipient.organization
    colleague = ProviderFactory(organization=organization)
    consent = grant(world, None, recipient_organization=organization)
    advance(world, send(world), "accepted")
    inboxes = {user.pk: inbox_of(user.pk) for user in (world.recipient.user, colleague.user)}
    with django_capture_on_commit_callbacks(execute=True):
        revoke(world, consent)
        revoke(world, world.consents["recipient"])
    counts = {
        user_id: Counter((e["consent_id"], e["reason"]) for e in _access_changed(inbox))
        for user_id, inbox in inboxes.items()
    }
    assert counts[colleague.user.pk] == {(consent.pk, "consent_revoked"): 1}
    assert counts[world.recipient.user.pk] == {
        (consent.pk, "consent_revoked"): 1,
        (world.consents["recipient"].pk, "consent_revoked"): 1,
    }


def test_recorded_expiry_tells_each_team_member_once(world, inbox_of, django_capture_on_commit_callbacks):
    advance(world, send(world), "accepted")
    consent = world.consents["recipient"]
    recipient = inbox_of(world.recipient.user.pk)
    later = timezone.now() + datetime.timedelta(days=400)
    with django_capture_on_commit_callbacks(execute=True):
        consents_record_expiry(now=later)
    events = [e for e in _access_changed(recipient) if e["consent_id"] == consent.pk]
    assert [(e["reason"], e["case_id"]) for e in events] == [("consent_expired", None)]


def test_the_order_of_the_hooks_changes_nothing_anyone_receives(
    world, inbox_of, django_capture_on_commit_callbacks
):
    """Before, what a socket heard depended on INSTALLED_APPS (which receiver ran
    first). Run the hooks in reverse order: the same single event per user."""
    from consent import hooks

    advance(world, send(world), "accepted")
    inboxes = {user.pk: inbox_of(user.pk) for user in (world.recipient.user, world.referrer.user)}
    saved = dict(hooks._hooks)
    hooks._hooks.clear()
    hooks._hooks.update(dict(reversed(list(saved.items()))))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            revoke(world, world.consents["recipient"])
    finally:
        hooks._hooks.clear()
        hooks._hooks.update(saved)
    heard = {user_id: [e["reason"] for e in _access_changed(inbox)] for user_id, inbox in inboxes.items()}
    assert heard == {world.recipient.user.pk: ["consent_revoked"], world.referrer.user.pk: []}
    member = CareTeamMember.objects.get(user=world.recipient.user)
    assert member.left_reason == "consent_revoked"
