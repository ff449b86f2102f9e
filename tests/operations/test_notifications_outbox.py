"""Every notification is an outbox row written with the change that causes it: a consent
recorded in a guardian's name, a reference request, a chat @-mention. Each has one key
(a repeat stores nothing new) and the recipient's language; nothing is sent around the
outbox."""

from __future__ import annotations

import datetime
import uuid

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from endorsement.services import application_create, reference_request, rules_ensure_default
from messaging.services import message_send
from outbox.models import REDACTED_BODY, OutboxMessage, OutboxStatus
from outbox.tasks import deliver_outbox
from people.preferences import update_preferences
from tests.factories.directory import ProviderFactory
from tests.factories.messaging import care_team
from tests.security.test_gate_attestation import attest, invited  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_a_consent_recorded_in_a_spanish_speaking_guardians_name_is_told_in_spanish_once(
    invited,  # noqa: F811 (fixture)
    django_capture_on_commit_callbacks,
):
    visitor, guardian, child = invited
    update_preferences(guardian.user, preferred_language="es")
    with django_capture_on_commit_callbacks(execute=True):
        consent_id = attest(visitor, guardian, child.pk).json()["id"]
    key = f"consent:{consent_id}:attested:guardian:{guardian.user_id}"
    email = OutboxMessage.objects.get(key=key)
    assert (email.channel, email.language, email.to_address) == ("email", "es", guardian.user.email)
    assert email.subject == "Se registró un consentimiento a su nombre"
    assert f"/portal/children/{child.pk}/" in email.body and child.first_name not in email.body
    assert OutboxMessage.objects.get(key=key + ":in_app").recipient_id == guardian.user_id
    assert [m.subject for m in mail.outbox].count(email.subject) == 1, "delivered by the outbox, once"
    assert OutboxMessage.objects.get(key=key).status == OutboxStatus.SENT


def test_a_reference_request_is_an_outbox_row_in_the_applicants_language(django_capture_on_commit_callbacks):
    rules_ensure_default()
    applicant = ProviderFactory(name="Avery Applicant")
    update_preferences(applicant.user, preferred_language="es")
    application = application_create(actor=applicant.user, category="infant_family_associate")
    with django_capture_on_commit_callbacks(execute=True):
        reference = reference_request(
            actor=applicant.user, application_id=application.pk, name="Pat Doe", email="pat@example.test"
        )
    row = OutboxMessage.objects.get(kind="endorsement.reference")
    assert (row.key, row.to_address, row.language) == (
        f"endorsement:reference:{reference.pk}:requested",
        "pat@example.test",
        "es",
    )
    assert "Avery Applicant" in row.subject
    assert len(mail.outbox) == 1 and "/references/" in mail.outbox[0].body
    assert reference.token_hash not in mail.outbox[0].body, "the link carries the token, not its hash"
    # Sent: the row no longer holds the single-use link.
    assert row.status == OutboxStatus.SENT and row.body == REDACTED_BODY


def test_a_chat_mention_is_one_outbox_notification_per_message_and_person(django_capture_on_commit_callbacks):
    team = care_team(size=2)
    mentioned = team.users[1]
    body = f"@{mentioned.username} can you call the family?"
    client_msg_id = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        sent = message_send(actor=team.users[0], case_id=team.case.pk, body=body, client_msg_id=client_msg_id)
        message_send(actor=team.users[0], case_id=team.case.pk, body=body, client_msg_id=client_msg_id)
    rows = OutboxMessage.objects.filter(kind="mention")
    assert [(r.key, r.recipient_id, r.channel) for r in rows] == [
        (f"mention:{sent.message.pk}:user:{mentioned.pk}", mentioned.pk, "in_app")
    ]
    assert rows[0].payload == {
        "case_id": team.case.pk,
        "message_id": sent.message.pk,
        "by": team.providers[0].name,
    }
    assert rows[0].status == OutboxStatus.SENT, "pushed right after the commit"


def test_delivery_run_twice_at_one_instant_tries_a_failing_row_once(smtp, settings):
    """The sweep under a frozen clock: a row whose attempt failed is not retried until
    its backoff has passed, however often the sweep runs; then it is sent, once."""
    from outbox.services import outbox_email

    settings.OUTBOX_BASE_BACKOFF_S = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        outbox_email(key="frozen:1", to_address="a@example.test", subject="Hello", body="x", kind="test")
        deliver_outbox.apply()
        deliver_outbox.apply()
    assert OutboxMessage.objects.get(key="frozen:1").attempts == 1, "down: one attempt, then backoff"
    smtp.up()
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        deliver_outbox.apply()
        deliver_outbox.apply()
    assert smtp.mailbox.messages == [], "still inside the backoff"
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        deliver_outbox.apply()
        deliver_outbox.apply()
    assert [m["Subject"] for m in smtp.mailbox.messages] == ["Hello"]
    assert OutboxMessage.objects.get(key="frozen:1").status == OutboxStatus.SENT
