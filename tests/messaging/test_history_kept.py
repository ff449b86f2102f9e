"""A removed message keeps its text, and on PostgreSQL the database itself refuses to
rewrite or delete chat history."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from messaging.models import Message, MessageRevision
from messaging.services import message_delete, message_edit
from tests.factories.messaging import care_team, stored_message

pytestmark = pytest.mark.django_db


def test_edits_keep_every_previous_text_and_removal_keeps_the_original():
    team = care_team(1)
    message = stored_message(team, 0, "first")
    message_edit(actor=team.users[0], case_id=team.case.pk, message_id=message.pk, body="second")
    message_edit(actor=team.users[0], case_id=team.case.pk, message_id=message.pk, body="third")
    message_delete(actor=team.users[0], case_id=team.case.pk, message_id=message.pk)
    message.refresh_from_db()
    assert message.body == "third" and message.deleted_at is not None
    assert list(MessageRevision.objects.filter(message=message).values_list("previous_body", flat=True)) == [
        "first",
        "second",
    ]


def test_postgresql_refuses_to_delete_or_rewrite_chat_history():
    if connection.vendor != "postgresql":
        pytest.skip("the database-level guard is PostgreSQL's (SQLite relies on the services)")
    team = care_team(1)
    message = stored_message(team, 0, "kept")
    message_edit(actor=team.users[0], case_id=team.case.pk, message_id=message.pk, body="edited")
    attempts = [
        lambda: Message.objects.filter(pk=message.pk).delete(),
        lambda: Message.objects.filter(pk=message.pk).update(author=team.users[0], seq=99),
        lambda: MessageRevision.objects.filter(message=message).update(previous_body="rewritten"),
        lambda: MessageRevision.objects.filter(message=message).delete(),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    message_delete(actor=team.users[0], case_id=team.case.pk, message_id=message.pk)
    with pytest.raises(DatabaseError), transaction.atomic():
        Message.objects.filter(pk=message.pk).update(deleted_at=None)
