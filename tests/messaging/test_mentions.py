"""Mentions by the names people see in the chat (issue 25): "@Samuel Okafor" or
"@Dr. Lucia Romero" (with or without the title) notifies that team member; a login name
still works; nobody else, and never someone off the team, is notified."""

from __future__ import annotations

import uuid

import pytest

from cases.models import Case
from messaging.services import message_send
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _mentioned(demo, body: str) -> set[str]:
    case = Case.objects.get(child=demo["children"]["mateo"])
    message = message_send(
        actor=demo["users"]["pediatrician"], case_id=case.pk, body=body, client_msg_id=uuid.uuid4()
    ).message
    rows = OutboxMessage.objects.filter(key__startswith=f"mention:{message.pk}:")
    return set(rows.values_list("recipient__username", flat=True))


def test_a_display_name_mentions_that_member(demo):
    assert _mentioned(demo, "Thanks @Samuel Okafor, and @dr. lucia romero: see you Thursday.") == {
        "slp",
        "imh_clinician",
    }


def test_a_name_without_its_title_and_at_the_end_of_a_sentence(demo):
    assert _mentioned(demo, "Could you call the family, @Lucia Romero?") == {"imh_clinician"}


def test_a_longer_word_is_not_a_mention_and_outsiders_are_never_notified(demo):
    assert _mentioned(demo, "@Samuel Okaforson and @Alex Outsider, please read.") == set()


def test_a_login_name_still_mentions(demo):
    assert _mentioned(demo, "@slp can you take this one?") == {"slp"}
