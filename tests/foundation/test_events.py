"""Every event put on the channel layer, produced by the real action that sends it and
compared with its exact shape (Zulip's test_events pattern). A new event type gets its
builder in ``referral_hub/events.py`` or ``messaging/events.py`` and its test here."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers, get_channel_layer
from django.test import Client

from cases.models import TeamRole
from cases.services import care_team_member_add
from consent.services import consent_revoke
from messaging import events as chat_events
from messaging.services import message_delete, message_edit, presence_join, read_marker_set
from outbox.models import OutboxMessage
from referral_hub import events as hub_events
from referral_hub.realtime import case_group, user_group
from referrals.services import referral_accept
from tests.factories.consent import ConsentFactory, scope
from tests.factories.directory import ProviderFactory
from tests.factories.messaging import care_team, stored_message
from tests.factories.referrals import referral_world, send

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


class Listener:
    """What the channel layer delivers to one group."""

    def __init__(self, group: str) -> None:
        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(group, self.channel)

    def events(self, event_type: str) -> list[dict[str, Any]]:
        async def collect() -> list[dict[str, Any]]:
            got = []
            while True:
                try:
                    got.append(await asyncio.wait_for(self.layer.receive(self.channel), timeout=0.05))
                except TimeoutError:
                    return got

        return [e for e in async_to_sync(collect)() if e["type"] == event_type]


def test_access_changed_when_a_guardian_revokes_consent(django_capture_on_commit_callbacks):
    world = referral_world()
    consent = world.consents["recipient"]
    recipient = Listener(user_group(world.recipient.user.pk))
    with django_capture_on_commit_callbacks(execute=True):
        consent_revoke(actor=world.guardian.user, consent_id=consent.pk, reason="changed my mind")
    assert recipient.events("access.changed") == [
        {
            "type": "access.changed",
            "change": "revoked",
            "reason": "consent_revoked",
            "child_id": world.child.pk,
            "consent_id": consent.pk,
            "case_id": None,
            "referral_id": None,
        }
    ]


def test_access_changed_when_a_provider_joins_the_care_team(django_capture_on_commit_callbacks):
    world = referral_world()
    referral = send(world)
    recipient = Listener(user_group(world.recipient.user.pk))
    with django_capture_on_commit_callbacks(execute=True):
        referral_accept(actor=world.recipient.user, referral_id=referral.pk)
    assert recipient.events("access.changed") == [
        {
            "type": "access.changed",
            "change": "joined",
            "reason": "team_joined",
            "child_id": world.child.pk,
            "consent_id": None,
            "case_id": referral.case_id,
            "referral_id": None,
        }
    ]


def test_notify_when_a_referral_arrives(django_capture_on_commit_callbacks):
    world = referral_world()
    recipient = Listener(user_group(world.recipient.user.pk))
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(world)
    notice = OutboxMessage.objects.get(kind="referral.received", recipient=world.recipient.user)
    assert recipient.events("notify") == [
        {
            "type": "notify",
            "kind": "referral.received",
            "payload": {
                "referral_id": referral.pk,
                "status": "sent",
                "label": f"New referral #{referral.pk}",
            },
            # Stored in the outbox: the notice centre's id for it.
            "notice_id": notice.pk,
        }
    ]


def test_force_close_when_a_user_logs_out(django_user_model):
    user = django_user_model.objects.create_user("leaving", password="pw-leaving-2026")
    sockets = Listener(user_group(user.pk))
    client = Client()
    client.force_login(user)
    client.post("/accounts/logout/")
    assert sockets.events("force.close") == [{"type": "force.close", "reason": "logout"}]


def test_chat_message_when_a_member_writes(django_capture_on_commit_callbacks):
    team = care_team()
    case = Listener(case_group(team.case.pk))
    with django_capture_on_commit_callbacks(execute=True):
        message = stored_message(team, body="Seen on Tuesday")
    [event] = case.events("chat.message")
    assert event == {"type": "chat.message", "message": event["message"]}
    assert event["message"] == {
        "id": message.pk,
        "seq": 1,
        "case_id": team.case.pk,
        "author": {
            "id": team.users[0].pk,
            "name": team.providers[0].name,
            "discipline": team.providers[0].discipline,
        },
        "body": "Seen on Tuesday",
        "created_at": message.created_at.isoformat(),
        "client_msg_id": str(message.client_msg_id),
        "edited_at": None,
        "deleted": False,
    }


def test_chat_updated_when_the_author_edits(django_capture_on_commit_callbacks):
    team = care_team()
    message = stored_message(team, body="Seen on Tuesday")
    case = Listener(case_group(team.case.pk))
    with django_capture_on_commit_callbacks(execute=True):
        edited = message_edit(
            actor=team.users[0], case_id=team.case.pk, message_id=message.pk, body="Wednesday"
        )
    [event] = case.events("chat.updated")
    assert set(event) == {"type", "message"}
    assert event["message"]["body"] == "Wednesday"
    assert event["message"]["edited_at"] == edited.edited_at.isoformat()


def test_chat_read_when_a_member_reads(django_capture_on_commit_callbacks):
    team = care_team()
    message = stored_message(team)
    case = Listener(case_group(team.case.pk))
    with django_capture_on_commit_callbacks(execute=True):
        read_marker_set(actor=team.users[1], case_id=team.case.pk, message_id=message.pk)
    assert case.events("chat.read") == [
        {"type": "chat.read", "user_id": team.users[1].pk, "message_id": message.pk}
    ]


def test_chat_presence_when_a_member_connects(django_capture_on_commit_callbacks):
    team = care_team()
    case = Listener(case_group(team.case.pk))
    with django_capture_on_commit_callbacks(execute=True):
        presence_join(actor=team.users[0], case_id=team.case.pk, channel_name="test!one")
    assert case.events("chat.presence") == [{"type": "chat.presence", "online": [team.users[0].pk]}]


def test_chat_typing_shape():
    # Typing is ephemeral: the consumer sends it straight to the group (covered end to
    # end in tests/messaging/test_consumer.py); its one builder is pinned here.
    assert chat_events.chat_typing(user_id=7) == {"type": "chat.typing", "user_id": 7}


def test_client_frames_shapes():
    message = {"id": 1, "seq": 1}
    assert chat_events.message_new_frame(message=message) == {"type": "message.new", "message": message}
    assert chat_events.message_updated_frame(message=message) == {
        "type": "message.updated",
        "message": message,
    }
    assert chat_events.message_ack_frame(client_msg_id=str(uuid.UUID(int=1)), message_id=3) == {
        "type": "message.ack",
        "client_msg_id": "00000000-0000-0000-0000-000000000001",
        "id": 3,
    }
    assert chat_events.read_frame(user_id=2, message_id=3) == {"type": "read", "user_id": 2, "message_id": 3}
    assert chat_events.presence_frame(online=[2, 5]) == {"type": "presence", "online": [2, 5]}
    assert chat_events.typing_frame(user_id=2) == {"type": "typing", "user_id": 2}
    assert hub_events.error_frame(code="rate_limited", detail="Slow down.") == {
        "type": "error",
        "code": "rate_limited",
        "detail": "Slow down.",
    }
    assert hub_events.error_frame(code="not_stored", detail="Again.", client_msg_id="c") == {
        "type": "error",
        "code": "not_stored",
        "detail": "Again.",
        "client_msg_id": "c",
    }


def test_case_activity_to_the_other_members_when_a_member_writes(django_capture_on_commit_callbacks):
    team = care_team()
    writer, reader = (Listener(user_group(u.pk)) for u in team.users)
    with django_capture_on_commit_callbacks(execute=True):
        message = stored_message(team, 0)
    assert reader.events("case.activity") == [
        {
            "type": "case.activity",
            "case_id": team.case.pk,
            "change": "message",
            "message_id": message.pk,
            "unread_total": None,
        }
    ]
    assert writer.events("case.activity") == []  # your own message is not news to you


def test_case_activity_with_the_new_total_when_a_member_reads(django_capture_on_commit_callbacks):
    team = care_team()
    first, second = stored_message(team, 0, "one"), stored_message(team, 0, "two")
    reader = Listener(user_group(team.users[1].pk))
    with django_capture_on_commit_callbacks(execute=True):
        read_marker_set(actor=team.users[1], case_id=team.case.pk, message_id=first.pk)
    assert reader.events("case.activity") == [
        {
            "type": "case.activity",
            "case_id": team.case.pk,
            "change": "read",
            "message_id": first.pk,
            "unread_total": 1,  # `second` is still unread
        }
    ]
    assert second.pk > first.pk


def test_case_activity_with_the_new_total_when_the_author_removes_an_unread_message(
    django_capture_on_commit_callbacks,
):
    team = care_team(3)
    kept, removed = stored_message(team, 0, "kept"), stored_message(team, 0, "removed")
    read_marker_set(actor=team.users[2], case_id=team.case.pk, message_id=removed.pk)
    author, unread, read = (Listener(user_group(u.pk)) for u in team.users)
    with django_capture_on_commit_callbacks(execute=True):
        message_delete(actor=team.users[0], case_id=team.case.pk, message_id=removed.pk)
    assert unread.events("case.activity") == [
        {
            "type": "case.activity",
            "case_id": team.case.pk,
            "change": "removed",
            "message_id": removed.pk,
            "unread_total": 1,  # `kept`
        }
    ]
    assert read.events("case.activity") == []  # they had read it: their total is unchanged
    assert author.events("case.activity") == []
    assert kept.pk < removed.pk


def test_case_activity_with_the_new_total_when_a_members_consent_is_revoked(
    django_capture_on_commit_callbacks,
):
    team = care_team()
    stored_message(team, 0, "unread by the second member")
    staying, removed = (Listener(user_group(u.pk)) for u in team.users)
    with django_capture_on_commit_callbacks(execute=True):
        consent_revoke(
            actor=team.guardian.user, consent_id=team.consents[team.providers[1].pk].pk, reason="moved"
        )
    assert removed.events("case.activity") == [
        {
            "type": "case.activity",
            "case_id": team.case.pk,
            "change": "access",
            "message_id": None,
            "unread_total": 0,  # the case left their list, and its unread message with it
        }
    ]
    assert [e["change"] for e in staying.events("case.activity")] == ["team"]


def test_case_activity_with_the_new_total_when_a_provider_joins_a_team_with_messages(
    django_capture_on_commit_callbacks,
):
    team = care_team(1)
    stored_message(team, 0, "one")
    stored_message(team, 0, "two")
    newcomer = ProviderFactory()
    ConsentFactory(
        child=team.child,
        granted_by=team.guardian,
        recipient_provider=newcomer,
        **scope(["messaging", "care_coordination"], ["case_notes"]),
    )
    joining = Listener(user_group(newcomer.user.pk))
    with django_capture_on_commit_callbacks(execute=True):
        care_team_member_add(case=team.case, provider=newcomer, role=TeamRole.RECIPIENT)
    assert joining.events("case.activity") == [
        {
            "type": "case.activity",
            "case_id": team.case.pk,
            "change": "access",
            "message_id": None,
            "unread_total": 2,  # the case's messages are unread for them
        }
    ]


def test_team_changed_on_the_case_group_when_consent_revocation_ends_a_membership(
    django_capture_on_commit_callbacks,
):
    world = referral_world()
    referral = send(world)
    referral_accept(actor=world.recipient.user, referral_id=referral.pk)
    case = Listener(case_group(referral.case_id))
    referrer = Listener(user_group(world.referrer.user.pk))
    with django_capture_on_commit_callbacks(execute=True):
        consent_revoke(actor=world.guardian.user, consent_id=world.consents["recipient"].pk, reason="no")
    [event] = case.events("team.changed")
    assert event == {
        "type": "team.changed",
        "case_id": referral.case_id,
        "change": "left",
        "user_id": world.recipient.user.pk,
        "provider": {
            "id": world.recipient.pk,
            "name": world.recipient.name,
            "discipline": world.recipient.discipline,
        },
        "at": event["at"],
    }
    assert referrer.events("case.activity") == [
        {
            "type": "case.activity",
            "case_id": referral.case_id,
            "change": "team",
            "message_id": None,
            "unread_total": None,
        }
    ]


def test_notices_read_with_the_new_total(django_capture_on_commit_callbacks):
    from notices.services import notices_mark_read
    from outbox.services import outbox_notify

    world = referral_world()
    user = world.referrer.user
    first = outbox_notify(user.pk, "x.one", {"label": "One"})
    outbox_notify(user.pk, "x.two", {"label": "Two"})
    sockets = Listener(user_group(user.pk))
    with django_capture_on_commit_callbacks(execute=True):
        notices_mark_read(actor=user, notice_ids=[first.pk])
    assert sockets.events("notices.read") == [{"type": "notices.read", "unread": 1}]


def test_access_and_team_frames_shapes():
    import datetime

    at = datetime.datetime(2026, 12, 1, 15, 4, tzinfo=datetime.UTC)
    assert chat_events.access_ended_frame(reason="consent_revoked", at=at) == {
        "type": "access.ended",
        "reason": "consent_revoked",
        "at": "2026-12-01T15:04:00+00:00",
    }
    assert chat_events.access_ended_frame(reason="consent_changed", at=None)["at"] is None
    provider = {"id": 3, "name": "Jordan Ellis", "discipline": "early_childhood_educator"}
    assert chat_events.team_frame(change="left", provider=provider, at="t") == {
        "type": "member.left",
        "provider": provider,
        "at": "t",
    }
    assert chat_events.team_frame(change="joined", provider=provider, at="t")["type"] == "member.joined"
