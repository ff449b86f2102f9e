"""What one chat send costs the database, pinned: the send path reads everything it
needs in ONE query after the child's audit chain lock (gate, idempotency, last seq,
chain head, who else to tell), then two INSERTs (docs/benchmarks/chat.md)."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from audit.services import verify_chain
from messaging.models import Message
from messaging.services import message_send
from tests.factories.messaging import add_member, care_team, stored_message

pytestmark = pytest.mark.django_db


def _kinds(captured: list[dict]) -> list[str]:
    kinds = []
    for query in captured:
        sql = query["sql"]
        if "pg_advisory_xact_lock" in sql:
            kinds.append("chain lock")
        elif sql.startswith("INSERT INTO"):
            kinds.append("insert " + sql.split('"')[1])
        else:
            kinds.append(sql.split(None, 1)[0].upper())
    return kinds


def _send(team, author_index=0, body="Seen today", client_msg_id=None):  # type: ignore[no-untyped-def]
    return message_send(
        actor=team.users[author_index],
        case_id=team.case.pk,
        body=body,
        client_msg_id=client_msg_id or uuid.uuid4(),
    )


def test_a_send_is_one_read_and_two_inserts_after_the_chain_lock():
    team = care_team(3)
    _send(team)  # this process now knows the case's child,
    _send(team, 1)  # and the author's roles for the audit label are memoized on the user
    # object (a socket keeps its user for its lifetime)
    with CaptureQueriesContext(connection) as queries:
        result = _send(team, 1, "Can we meet on Friday?")
    # The test runs inside a transaction, so the send's own shows as a savepoint.
    expected = ["SAVEPOINT", "SELECT", "insert messaging_message", "insert audit_auditevent", "RELEASE"]
    if connection.vendor == "postgresql":
        expected.insert(1, "chain lock")  # the child's audit chain (SQLite: the single writer)
    assert _kinds(queries.captured_queries) == expected
    assert result.created and result.message.seq == 3
    row = AuditEvent.objects.get(action="message", object_id=str(result.message.pk))
    assert (row.actor, row.child_id, row.consent_id) == (
        team.users[1],
        team.child.pk,
        team.consents[team.providers[1].pk].pk,
    )
    assert verify_chain()[2] == ""


def test_the_first_send_to_a_case_in_a_process_also_finds_its_child():
    from messaging import services

    team = care_team(2)
    _send(team)  # the author's roles are memoized
    services._case_child.pop(team.case.pk, None)
    with CaptureQueriesContext(connection) as queries:
        _send(team)
    assert _kinds(queries.captured_queries)[:2] == ["SAVEPOINT", "SELECT"]  # the case's child
    assert len(queries.captured_queries) == 6 + (connection.vendor == "postgresql")


def test_a_stale_case_child_entry_costs_a_retry_never_a_wrong_chain():
    from messaging import services

    team, other = care_team(2), care_team(1)
    services._case_child[team.case.pk] = other.child.pk  # as if the id had been reused
    message = _send(team).message
    assert services._case_child[team.case.pk] == team.child.pk
    row = AuditEvent.objects.get(action="message", object_id=str(message.pk))
    assert row.chain == f"child:{team.child.pk}" and verify_chain()[2] == ""


def test_a_resend_costs_the_read_and_stores_nothing():
    team = care_team(2)
    client_msg_id = uuid.uuid4()
    first = _send(team, client_msg_id=client_msg_id).message
    with CaptureQueriesContext(connection) as queries:
        again = _send(team, client_msg_id=client_msg_id)
    assert not again.created and again.message.pk == first.pk
    assert "insert messaging_message" not in _kinds(queries.captured_queries)
    assert Message.objects.filter(case=team.case).count() == 1
    assert AuditEvent.objects.filter(action="message").count() == 1


def test_sends_keep_a_dense_seq_and_one_verified_audit_row_each():
    team = care_team(2)
    messages = [stored_message(team, i % 2, f"note {i}") for i in range(6)]
    assert [m.seq for m in messages] == [1, 2, 3, 4, 5, 6]
    assert [m.pk for m in messages] == sorted(m.pk for m in messages)
    rows = AuditEvent.objects.filter(action="message", child_id=team.child.pk).order_by("id")
    assert [r.object_id for r in rows] == [str(m.pk) for m in messages]
    assert verify_chain()[2] == ""


def test_only_other_consented_current_members_hear_of_the_message(
    in_memory_layer, django_capture_on_commit_callbacks
):
    import asyncio

    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    team = care_team(2)
    uncovered = add_member(team, consent=False)
    layer = get_channel_layer()
    inboxes = {}
    for group in [f"case.{team.case.pk}"] + [f"user.{user.pk}" for user in team.users]:
        inboxes[group] = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(group, inboxes[group])

    async def drain(channel: str) -> list[dict]:
        got = []
        while True:
            try:
                got.append(await asyncio.wait_for(layer.receive(channel), timeout=0.05))
            except TimeoutError:
                return got

    with django_capture_on_commit_callbacks(execute=True):
        message = _send(team).message
    heard = {group: async_to_sync(drain)(channel) for group, channel in inboxes.items()}
    assert [e["message"]["seq"] for e in heard[f"case.{team.case.pk}"]] == [message.seq]
    assert [e["message_id"] for e in heard[f"user.{team.users[1].pk}"]] == [message.pk]
    assert heard[f"user.{team.users[0].pk}"] == []  # your own message is not news to you
    assert heard[f"user.{uncovered.user.pk}"] == []  # no consent covers them: nothing
