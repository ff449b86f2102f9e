"""Issue 8, finding 7: a chat socket kept receiving after its consent expired (the next
``message.new``, or edits for 12 s), the expired member still got a mention
notification, and its team membership stayed open.

Now expiry acts like revocation, on time: the socket closes with 4403 within one second
of the expiry instant (the end of the expiry day, UTC), nothing reaches it after, a
mention does not notify it, and the membership ends. The clock is moved with
time-machine to a few seconds before midnight; it keeps ticking in real time."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import uuid

import pytest
import time_machine
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from cases.models import CareTeamMember
from consent.services import consents_record_expiry
from referral_hub.realtime import user_group
from tests.factories.consent import ConsentFactory, scope
from tests.factories.messaging import add_member, care_team

pytestmark = pytest.mark.django_db(transaction=True)

db = sync_to_async
EXPIRY_DAY = datetime.date(2027, 3, 14)
EXPIRY_INSTANT = datetime.datetime(2027, 3, 15, tzinfo=datetime.UTC)


@pytest.fixture
def layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    from channels.layers import channel_layers, get_channel_layer

    channel_layers.backends.clear()
    yield get_channel_layer()
    channel_layers.backends.clear()


@pytest.fixture
async def open_socket(layer):
    from rest_framework.authtoken.models import Token

    from referral_hub.asgi import application

    opened: list[WebsocketCommunicator] = []

    async def open_(user, case_id):  # type: ignore[no-untyped-def]
        key = (await db(Token.objects.get_or_create)(user=user))[0].key
        headers = [
            (b"origin", b"http://testserver"),
            (b"host", b"testserver"),
            (b"authorization", f"Token {key}".encode()),
        ]
        communicator = WebsocketCommunicator(application, f"/ws/cases/{case_id}/", headers=headers)
        opened.append(communicator)
        connected, code = await communicator.connect(timeout=5)
        assert connected, code
        return communicator

    yield open_
    for communicator in opened:
        with contextlib.suppress(Exception):
            await communicator.disconnect(timeout=2)


def team_with_one_member_expiring():  # type: ignore[no-untyped-def]
    """Bea (consent for a year) and Sam, whose consent ends with ``EXPIRY_DAY``."""
    team = care_team(1)
    sam = add_member(team, consent=False)
    ConsentFactory(
        child=team.child,
        granted_by=team.guardian,
        recipient_provider=sam,
        expires_on=EXPIRY_DAY,
        **scope(["messaging", "care_coordination"], ["case_notes"]),
    )
    return team, team.providers[0], sam


async def send(user, team, body: str) -> int:  # type: ignore[no-untyped-def]
    from messaging.services import message_send

    result = await db(message_send)(actor=user, case_id=team.case.pk, body=body, client_msg_id=uuid.uuid4())
    return result.message.pk


async def test_an_expiring_members_socket_closes_on_time_and_hears_nothing_after(open_socket, layer):
    with time_machine.travel(EXPIRY_INSTANT - datetime.timedelta(seconds=5), tick=True):
        team, bea, sam = await db(team_with_one_member_expiring)()
        sam_socket = await open_socket(sam.user, team.case.pk)
        await open_socket(bea.user, team.case.pk)
        before = await send(bea.user, team, "Visit moved to Friday.")
        while True:  # Sam hears Bea before the instant (presence frames may come first)
            frame = await sam_socket.receive_json_from(timeout=2)
            if frame["type"] == "message.new":
                assert frame["message"]["id"] == before
                break

        closed = None
        while closed is None:
            output = await sam_socket.receive_output(timeout=10)
            if output["type"] == "websocket.close":
                closed = timezone.now()
                assert output["code"] == 4403
        assert EXPIRY_INSTANT <= closed < EXPIRY_INSTANT + datetime.timedelta(seconds=1)

        # After the instant: Bea writes, edits and mentions Sam; none of it reaches Sam.
        mentions = await layer.new_channel()
        await layer.group_add(user_group(sam.user_id), mentions)
        after = await send(bea.user, team, f"@{sam.user.username} can you call the family?")
        from messaging.services import message_edit

        await db(message_edit)(actor=bea.user, case_id=team.case.pk, message_id=after, body="Edited.")
        assert await sam_socket.receive_nothing(timeout=0.5)
        heard = await _drain(layer, mentions)
        assert [e for e in heard if e.get("kind") == "mention"] == []

        # The membership ended at the expiry instant (not at the next daily job).
        for _ in range(50):
            membership = await db(CareTeamMember.objects.get)(case=team.case, provider=sam)
            if membership.left_at is not None:
                break
            await asyncio.sleep(0.05)
        assert membership.left_at is not None and membership.left_reason == "consent_expired"


def test_the_expire_job_ends_the_membership_of_a_member_without_a_socket():
    with time_machine.travel(EXPIRY_INSTANT - datetime.timedelta(hours=1), tick=False):
        team, bea, sam = team_with_one_member_expiring()
    with time_machine.travel(EXPIRY_INSTANT + datetime.timedelta(seconds=5), tick=False):
        consents_record_expiry()
        from messaging.policies import chat_members

        assert list(chat_members(case_id=team.case.pk).values_list("user_id", flat=True)) == [bea.user_id]
    membership = CareTeamMember.objects.get(case=team.case, provider=sam)
    assert membership.left_reason == "consent_expired"


async def _drain(layer, channel: str) -> list[dict]:  # type: ignore[no-untyped-def]
    got = []
    while True:
        try:
            got.append(await asyncio.wait_for(layer.receive(channel), timeout=0.1))
        except TimeoutError:
            return got
