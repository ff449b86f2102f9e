"""The case chat socket, told as the care team experiences it (WebsocketCommunicator
against the real ASGI stack: origin check, session/token auth, routing)."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import CareTeamMember
from consent.services import consent_revoke
from messaging.models import Message, MessageRevision
from referral_hub.realtime import user_group
from tests.factories.consent import scope
from tests.factories.directory import ProviderFactory
from tests.factories.messaging import add_member, care_team
from tests.messaging.conftest import close_code, next_frame

pytestmark = pytest.mark.django_db(transaction=True)

db = sync_to_async


def send_frame(body="Hello team", client_msg_id=None):
    return {"type": "message.send", "body": body, "client_msg_id": str(client_msg_id or uuid.uuid4())}


async def test_anonymous_visitor_is_refused_with_4401(sockets):
    team = await db(care_team)()
    socket, connected, _ = await sockets.open(None, team.case.pk)
    assert connected and await close_code(socket) == 4401  # accepted, then closed with the reason


async def test_providers_without_a_current_consented_membership_are_refused_with_4403(sockets):
    team = await db(care_team)(1)
    outsider = await db(ProviderFactory)()
    no_messaging = await db(add_member)(team, **scope(["care_coordination"], ["case_notes"]))
    no_case_notes = await db(add_member)(team, **scope(["messaging"], ["demographics"]))
    left = await db(add_member)(team)
    await db(CareTeamMember.objects.filter(provider=left).update)(left_at=timezone.now())
    for provider in (outsider, no_messaging, no_case_notes, left):
        socket, connected, _ = await sockets.open(provider.user, team.case.pk)
        assert connected and await close_code(socket) == 4403, provider
    _, connected, _ = await sockets.open(team.users[0], team.case.pk)
    assert connected


async def test_a_message_is_stored_acked_and_delivered_to_every_member_with_an_audit_row(sockets):
    team = await db(care_team)(2)
    alice, bob = team.users
    a, _, _ = await sockets.open(alice, team.case.pk)
    b, _, _ = await sockets.open(bob, team.case.pk)
    msg_id = uuid.uuid4()
    await a.send_json_to(send_frame("Mateo's evaluation is Tuesday <b>", msg_id))

    ack = await next_frame(a, "message.ack")
    stored = await db(Message.objects.get)(pk=ack["id"])
    assert ack == {"type": "message.ack", "client_msg_id": str(msg_id), "id": stored.pk}
    for socket in (a, b):
        frame = await next_frame(socket, "message.new")
        message = frame["message"]
        assert message["id"] == stored.pk and message["case_id"] == team.case.pk
        assert message["body"] == "Mateo's evaluation is Tuesday <b>"  # escaped when rendered, not altered
        assert message["client_msg_id"] == str(msg_id)
        assert message["author"] == {
            "id": alice.pk,
            "name": team.providers[0].name,
            "discipline": team.providers[0].discipline,
        }
    audit = await db(AuditEvent.objects.filter(action="message", object_id=str(stored.pk)).get)()
    assert (audit.child_id, audit.data_category, audit.purpose) == (
        team.child.pk,
        "case_notes",
        "care_coordination",
    )
    assert audit.actor_id == alice.pk


async def test_reconnecting_with_after_replays_stored_messages_in_order_then_live_ones(sockets):
    from tests.factories.messaging import stored_message

    team = await db(care_team)(2)
    first, second, third = [await db(stored_message)(team, 0, f"note {i}") for i in range(3)]
    b, _, _ = await sockets.open(team.users[1], team.case.pk, after=first.pk)
    replayed = [(await next_frame(b, "message.new"))["message"]["id"] for _ in range(2)]
    assert replayed == [second.pk, third.pk]

    a, _, _ = await sockets.open(team.users[0], team.case.pk, after=third.pk)
    await a.send_json_to(send_frame("live one"))
    live = await next_frame(b, "message.new")
    assert live["message"]["body"] == "live one" and live["message"]["id"] > third.pk
    # Replay reads are audited like REST history reads.
    reads = await db(AuditEvent.objects.filter(action="view", actor=team.users[1]).count)()
    assert reads == 1


async def test_resending_the_same_client_msg_id_stores_nothing_new_and_acks_the_original(sockets):
    team = await db(care_team)(2)
    a, _, _ = await sockets.open(team.users[0], team.case.pk)
    b, _, _ = await sockets.open(team.users[1], team.case.pk)
    msg_id = uuid.uuid4()
    await a.send_json_to(send_frame("once", msg_id))
    first_ack = await next_frame(a, "message.ack")
    await a.send_json_to(send_frame("once", msg_id))
    second_ack = await next_frame(a, "message.ack")

    assert first_ack == second_ack
    assert await db(Message.objects.filter(case=team.case).count)() == 1
    assert (await next_frame(b, "message.new"))["message"]["id"] == first_ack["id"]
    await b.receive_nothing(timeout=0.3)


async def test_a_lost_live_event_is_filled_from_the_database_before_the_next_message(sockets):
    team = await db(care_team)(2)
    b, _, _ = await sockets.open(team.users[1], team.case.pk, after=0)
    # Stored, but its event never reached the layer (the layer is at-most-once).
    lost = await db(Message.objects.create)(
        case=team.case,
        seq=1,
        author=team.users[0],
        author_provider=team.providers[0],
        body="lost event",
        client_msg_id=uuid.uuid4(),
    )
    a, _, _ = await sockets.open(team.users[0], team.case.pk, after=lost.pk)
    await a.send_json_to(send_frame("next"))
    got = [(await next_frame(b, "message.new"))["message"]["body"] for _ in range(2)]
    assert got == ["lost event", "next"]
    await b.receive_nothing(timeout=0.3)


async def test_authors_edit_and_remove_their_messages_and_the_team_sees_it(sockets):
    team = await db(care_team)(2)
    a, _, _ = await sockets.open(team.users[0], team.case.pk)
    b, _, _ = await sockets.open(team.users[1], team.case.pk)
    await a.send_json_to(send_frame("Tuesdy"))
    message_id = (await next_frame(a, "message.ack"))["id"]

    await a.send_json_to({"type": "message.edit", "message_id": message_id, "body": "Tuesday"})
    edited = await next_frame(b, "message.updated")
    assert edited["message"]["body"] == "Tuesday" and edited["message"]["edited_at"]
    revisions = await db(list)(
        MessageRevision.objects.filter(message_id=message_id).values_list("previous_body", flat=True)
    )
    assert revisions == ["Tuesdy"]

    await b.send_json_to({"type": "message.delete", "message_id": message_id})
    refused = await next_frame(b, "error")
    assert refused["code"] == "not_author"

    await a.send_json_to({"type": "message.delete", "message_id": message_id})
    removed = await next_frame(b, "message.updated")
    assert removed["message"]["deleted"] is True and removed["message"]["body"] == ""
    kept = await db(Message.objects.get)(pk=message_id)
    assert kept.body == "Tuesday" and kept.deleted_at is not None  # the original stays for audit


async def test_bad_json_and_unknown_types_get_an_error_frame_and_the_socket_stays_usable(sockets):
    team = await db(care_team)(1)
    a, _, _ = await sockets.open(team.users[0], team.case.pk)
    await a.send_to(text_data="{not json")
    assert (await next_frame(a, "error"))["code"] == "bad_json"
    await a.send_json_to({"type": "launch.rockets"})
    assert (await next_frame(a, "error"))["code"] == "unknown_type"
    await a.send_json_to(["a", "list"])
    assert (await next_frame(a, "error"))["code"] == "bad_frame"
    await a.send_json_to({"type": "message.send", "body": "x" * 8001, "client_msg_id": str(uuid.uuid4())})
    assert (await next_frame(a, "error"))["code"] == "body_too_long"
    await a.send_json_to(send_frame("still here"))
    assert (await next_frame(a, "message.ack"))["id"]


async def test_oversized_frames_get_an_error_and_repeated_ones_close_the_socket(sockets):
    team = await db(care_team)(1)
    a, _, _ = await sockets.open(team.users[0], team.case.pk)
    huge = json.dumps(send_frame("x" * (64 * 1024)))
    await a.send_to(text_data=huge)
    assert (await next_frame(a, "error"))["code"] == "frame_too_large"
    for _ in range(4):
        await a.send_to(text_data=huge)
    assert await close_code(a) == 4429
    assert await db(Message.objects.count)() == 0


async def test_more_than_ten_messages_a_second_are_refused_and_persistent_flooding_closes(sockets):
    team = await db(care_team)(1)
    a, _, _ = await sockets.open(team.users[0], team.case.pk)
    # Frames that fail validation still count against the rate: cheap to send fast.
    for _ in range(11):
        await a.send_json_to({"type": "message.send", "body": "x", "client_msg_id": "nope"})
    codes = [(await next_frame(a, "error"))["code"] for _ in range(11)]
    assert codes.count("invalid_client_msg_id") == 10 and codes[-1] == "rate_limited"
    for _ in range(4):
        await a.send_json_to({"type": "message.send", "body": "x", "client_msg_id": "nope"})
    assert await close_code(a) == 4429


async def test_every_frame_rechecks_consent_so_a_silent_revocation_closes_on_the_next_send(sockets):
    team = await db(care_team)(2)
    a, _, _ = await sockets.open(team.users[0], team.case.pk)
    consent = team.consents[team.providers[0].pk]
    consent.revoked_at = timezone.now()
    await db(consent.save)()  # no event at all: only the per-frame check can notice
    await a.send_json_to(send_frame("after revocation"))
    assert await close_code(a) == 4403
    assert await db(Message.objects.count)() == 0


async def test_consent_revocation_closes_the_members_socket_at_once_and_nothing_more_arrives(sockets):
    team = await db(care_team)(2)
    a, _, _ = await sockets.open(team.users[0], team.case.pk)
    b, _, _ = await sockets.open(team.users[1], team.case.pk)
    consent = team.consents[team.providers[1].pk]

    await db(consent_revoke)(actor=team.guardian.user, consent_id=consent.pk)
    assert await close_code(b) == 4403
    await a.send_json_to(send_frame("not for Bob anymore"))
    await next_frame(a, "message.ack")
    await b.receive_nothing(timeout=0.3)


async def test_logout_force_close_ends_the_users_chat_sockets(sockets):
    team = await db(care_team)(1)
    a, _, _ = await sockets.open(team.users[0], team.case.pk)
    await get_channel_layer().group_send(
        user_group(team.users[0].pk), {"type": "force.close", "reason": "logout"}
    )
    assert await close_code(a) == 4403


async def test_notifications_on_the_user_group_do_not_disturb_the_chat_socket(sockets):
    team = await db(care_team)(1)
    a, _, _ = await sockets.open(team.users[0], team.case.pk)
    await get_channel_layer().group_send(
        user_group(team.users[0].pk), {"type": "notify", "kind": "x", "payload": {}}
    )
    await a.send_json_to(send_frame("fine"))
    assert (await next_frame(a, "message.ack"))["id"]


async def test_typing_reaches_the_others_once_per_burst(sockets):
    team = await db(care_team)(2)
    a, _, _ = await sockets.open(team.users[0], team.case.pk)
    b, _, _ = await sockets.open(team.users[1], team.case.pk)
    await a.send_json_to({"type": "typing"})
    await a.send_json_to({"type": "typing"})
    assert await next_frame(b, "typing") == {"type": "typing", "user_id": team.users[0].pk}
    await a.send_json_to(send_frame("done typing"))
    # The second typing frame of the burst was dropped: the message comes next.
    assert (await next_frame(b, "typing", "message.new"))["type"] == "message.new"


async def test_presence_lists_who_of_the_team_is_online(sockets):
    team = await db(care_team)(2)
    alice, bob = team.users
    a, _, _ = await sockets.open(alice, team.case.pk)
    assert (await next_frame(a, "presence"))["online"] == [alice.pk]
    b, _, _ = await sockets.open(bob, team.case.pk)
    assert (await next_frame(a, "presence"))["online"] == sorted([alice.pk, bob.pk])
    await b.disconnect()
    assert (await next_frame(a, "presence"))["online"] == [alice.pk]


async def test_read_receipts_reach_the_team_and_clear_unread_counts(sockets):
    from cases.models import Case
    from messaging.selectors import annotate_unread_count
    from tests.factories.messaging import stored_message

    team = await db(care_team)(2)
    alice, bob = team.users
    first = await db(stored_message)(team, 0, "one")
    second = await db(stored_message)(team, 0, "two")

    def unread(user):
        return annotate_unread_count(Case.objects.filter(pk=team.case.pk), user).get().unread_count

    assert await db(unread)(bob) == 2
    assert await db(unread)(alice) == 0  # your own messages are read
    a, _, _ = await sockets.open(alice, team.case.pk)
    b, _, _ = await sockets.open(bob, team.case.pk)
    await b.send_json_to({"type": "read", "message_id": first.pk})
    assert await next_frame(a, "read") == {"type": "read", "user_id": bob.pk, "message_id": first.pk}
    assert await db(unread)(bob) == 1
    await b.send_json_to({"type": "read", "message_id": second.pk})
    await next_frame(a, "read")
    assert await db(unread)(bob) == 0


async def test_mentioning_a_team_member_notifies_them_and_nobody_else(sockets):
    team = await db(care_team)(2)
    alice, bob = team.users
    outsider = (await db(ProviderFactory)()).user
    layer = get_channel_layer()
    inbox = await layer.new_channel()
    await layer.group_add(user_group(bob.pk), inbox)
    outsider_inbox = await layer.new_channel()
    await layer.group_add(user_group(outsider.pk), outsider_inbox)
    a, _, _ = await sockets.open(alice, team.case.pk)
    await a.send_json_to(
        send_frame(f"@{outsider.username}: can you call the family, @{bob.username.upper()}?")
    )
    ack = await next_frame(a, "message.ack")
    event = await layer.receive(inbox)
    while event["type"] != "notify":
        event = await layer.receive(inbox)
    assert event["kind"] == "mention"
    assert event["payload"]["message_id"] == ack["id"] and event["payload"]["case_id"] == team.case.pk
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(layer.receive(outsider_inbox), timeout=0.3)


async def test_a_lost_revocation_event_still_closes_the_socket_once_messages_flow(sockets, monkeypatch):
    from messaging import consumers

    # Every delivery counts as "the last policy answer is old" (normally after 5 s).
    monkeypatch.setattr(consumers, "RECHECK_AFTER_SECONDS", 0.0)
    team = await db(care_team)(2)
    a, _, _ = await sockets.open(team.users[0], team.case.pk)
    b, _, _ = await sockets.open(team.users[1], team.case.pk)
    consent = team.consents[team.providers[1].pk]
    consent.revoked_at = timezone.now()
    await db(consent.save)()  # revoked, and its access.changed event "lost"
    await a.send_json_to(send_frame("anyone there?"))
    await next_frame(a, "message.ack")
    assert await close_code(b) == 4403


async def test_a_malformed_after_is_refused(sockets):
    team = await db(care_team)(1)
    socket, connected, _ = await sockets.open(team.users[0], team.case.pk, after="yesterday")
    assert connected and await close_code(socket) == 4400


async def test_the_heartbeat_delivers_stored_messages_whose_live_events_were_lost(sockets, monkeypatch):
    from messaging import consumers

    monkeypatch.setattr(consumers, "HEARTBEAT_SECONDS", 0.2)
    team = await db(care_team)(2)
    b, _, _ = await sockets.open(team.users[1], team.case.pk, after=0)
    # The last message of a burst, stored, its event lost: no later event reveals the gap.
    await db(Message.objects.create)(
        case=team.case,
        seq=1,
        author=team.users[0],
        author_provider=team.providers[0],
        body="last words",
        client_msg_id=uuid.uuid4(),
    )
    assert (await next_frame(b, "message.new"))["message"]["body"] == "last words"
    await b.receive_nothing(timeout=0.5)  # and only once


async def test_a_deactivated_account_is_closed_on_its_next_frame(sockets):
    from django.contrib.auth.models import User

    team = await db(care_team)(1)
    a, _, _ = await sockets.open(team.users[0], team.case.pk)
    await db(User.objects.filter(pk=team.users[0].pk).update)(is_active=False)
    await a.send_json_to({"type": "typing"})
    assert await close_code(a) == 4403


async def test_out_of_range_ids_in_frames_get_an_error_frame(sockets):
    team = await db(care_team)(1)
    a, _, _ = await sockets.open(team.users[0], team.case.pk)
    await a.send_json_to({"type": "read", "message_id": 2**64})
    assert (await next_frame(a, "error"))["code"] == "invalid_message"
    await a.send_json_to({"type": "message.edit", "message_id": -1, "body": "x"})
    assert (await next_frame(a, "error"))["code"] == "invalid_message"
