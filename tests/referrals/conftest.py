from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from tests.factories.referrals import referral_world


@pytest.fixture
def world(db):
    return referral_world()


@pytest.fixture
def as_user():
    """``as_user(user) -> APIClient`` signed in as ``user`` (``None``: anonymous)."""

    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


PATH_TO = {
    "sent": [],
    "received": ["open"],
    "accepted": ["accept"],
    "declined": ["decline"],
    "scheduled": ["accept", "schedule"],
    "completed": ["accept", "schedule", "complete"],
    "cancelled": ["cancel"],
}


def advance(world, referral, status: str):
    """Walk ``referral`` to ``status`` through the real services, as its participants."""
    from referrals import services

    recipient = world.recipient.user
    for step in PATH_TO[status]:
        if step == "open":
            services.referral_open(actor=recipient, referral_id=referral.pk)
        elif step == "accept":
            services.referral_accept(actor=recipient, referral_id=referral.pk)
        elif step == "decline":
            services.referral_decline(actor=recipient, referral_id=referral.pk, decline_reason="no_capacity")
        elif step == "schedule":
            services.referral_schedule(
                actor=recipient,
                referral_id=referral.pk,
                appointment_at=datetime.datetime(2030, 12, 1, 15, tzinfo=datetime.UTC),
            )
        elif step == "complete":
            services.referral_complete(actor=recipient, referral_id=referral.pk, outcome="connected")
        elif step == "cancel":
            services.referral_cancel(actor=world.referrer.user, referral_id=referral.pk, reason="moved")
    referral.refresh_from_db()
    assert referral.status == status
    return referral


def revoke(world, consent):
    """Revoke as the family's guardian, through the consent engineer's service."""
    from consent.services import consent_revoke

    return consent_revoke(actor=world.guardian.user, consent_id=consent.pk, reason="changed my mind")


class Inbox:
    """Collects what the channel layer delivers to one user's group."""

    def __init__(self, user_id: int):
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        from referral_hub.realtime import user_group

        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(user_group(user_id), self.channel)

    def drain(self) -> list[dict]:
        import asyncio

        from asgiref.sync import async_to_sync

        async def collect():
            events = []
            while True:
                try:
                    events.append(await asyncio.wait_for(self.layer.receive(self.channel), timeout=0.05))
                except TimeoutError:
                    return events

        return async_to_sync(collect)()


@pytest.fixture
def inbox_of(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield Inbox
    channel_layers.backends.clear()
