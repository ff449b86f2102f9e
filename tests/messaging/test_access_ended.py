"""Revocation, explained, on the real channel layer: the removed member's socket says
why before it closes (and again if they reconnect), the rest of the team hears who left;
an outsider learns nothing."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.utils.dateparse import parse_datetime

from consent.services import consent_revoke
from tests.factories.directory import ProviderFactory
from tests.factories.messaging import care_team
from tests.messaging.conftest import next_frame

pytestmark = pytest.mark.django_db(transaction=True)

db = sync_to_async


async def closed(communicator, timeout: float = 5) -> dict:
    """Frames until the server closes; the close message (code and reason)."""
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output


async def test_revocation_tells_the_removed_member_why_and_the_others_who_left(sockets):
    team = await db(care_team)(2)
    staying, removed = team.providers
    a, _, _ = await sockets.open(staying.user, team.case.pk)
    b, _, _ = await sockets.open(removed.user, team.case.pk)
    consent = team.consents[removed.pk]

    revoked = await db(consent_revoke)(actor=team.guardian.user, consent_id=consent.pk, reason="We moved.")

    ended = await next_frame(b, "access.ended")
    assert ended["reason"] == "consent_revoked"
    assert parse_datetime(ended["at"]) == revoked.revoked_at
    close = await closed(b)
    assert (close["code"], close.get("reason")) == (4403, "consent_revoked")

    left = await next_frame(a, "member.left")
    assert left["provider"] == {"id": removed.pk, "name": removed.name, "discipline": removed.discipline}
    assert parse_datetime(left["at"]) is not None


async def test_a_former_member_reconnecting_hears_why_and_an_outsider_hears_nothing(sockets):
    team = await db(care_team)(2)
    removed = team.providers[1]
    await db(consent_revoke)(actor=team.guardian.user, consent_id=team.consents[removed.pk].pk, reason="x")

    again, connected, _ = await sockets.open(removed.user, team.case.pk)
    assert connected
    frame = await again.receive_json_from(timeout=5)
    assert frame["type"] == "access.ended" and frame["reason"] == "consent_revoked"
    assert (await closed(again))["code"] == 4403

    outsider = await db(ProviderFactory)()
    stranger, connected, _ = await sockets.open(outsider.user, team.case.pk)
    assert connected
    close = await stranger.receive_output(timeout=5)
    assert close["type"] == "websocket.close" and close["code"] == 4403 and not close.get("reason")


async def test_signing_out_elsewhere_closes_with_that_reason(sockets):
    from channels.layers import get_channel_layer

    from referral_hub.realtime import user_group

    team = await db(care_team)(1)
    a, _, _ = await sockets.open(team.users[0], team.case.pk)
    await get_channel_layer().group_send(
        user_group(team.users[0].pk), {"type": "force.close", "reason": "logout"}
    )
    assert (await next_frame(a, "access.ended"))["reason"] == "signed_out"
    assert (await closed(a))["code"] == 4403
