"""What a registrant is told (issue 28): the confirmation (a place or the waitlist), "a
place opened for you", and a reminder the day before each session; by e-mail, and by
text when chosen; in the registrant's language; once each; never about a child."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from groups.models import RegistrationStatus
from groups.reminders import groups_send_reminders
from groups.selectors import next_sessions
from groups.services import Registrant, cancel, register
from outbox.models import OutboxMessage
from outbox.services import outbox_deliver_due
from tests.factories.base import UserFactory
from tests.factories.groups import GroupFactory

pytestmark = pytest.mark.django_db


def _ana(**extra):
    return Registrant(name="Ana Flores", email="ana@example.org", language="es", **extra)


def _rows(kind=None):
    rows = OutboxMessage.objects.all()
    return list(rows.filter(kind=kind) if kind else rows)


def test_confirmation_in_spanish_by_email_and_text_when_chosen():
    group = GroupFactory(name="Círculo de Seguridad")
    register(group_id=group.pk, registrant=_ana(phone="+13135550142", texts_ok=True))
    email, text = sorted(_rows("group.registered"), key=lambda r: r.channel)
    assert (email.channel, text.channel) == ("email", "sms")
    assert email.subject == "Tiene un lugar: Círculo de Seguridad"
    assert (
        "Hola, Ana Flores:" in email.body and "Cuándo:" in email.body and f"/groups/{group.pk}/" in email.body
    )
    assert text.body.startswith("Referral Hub: Tiene un lugar en Círculo de Seguridad.")
    assert text.to_address == "+13135550142" and text.payload["time_zone"] == "America/Detroit"
    outbox_deliver_due()
    (sent,) = mail.outbox
    assert sent.to == ["ana@example.org"] and "Tiene un lugar" in sent.subject


def test_no_text_without_the_opt_in_and_waitlist_confirmation_says_so():
    group = GroupFactory(capacity=0)
    register(group_id=group.pk, registrant=_ana(phone="+13135550142"))
    (row,) = _rows()
    assert (row.kind, row.channel) == ("group.waitlisted", "email")
    assert "lista de espera" in row.subject


def test_registering_again_sends_nothing_twice():
    group = GroupFactory()
    user = UserFactory(email="maria@example.org")
    register(group_id=group.pk, registrant=Registrant(name="María", email=user.email, user=user))
    register(group_id=group.pk, registrant=Registrant(name="María", email=user.email, user=user))
    assert len(_rows()) == 1


def test_promotion_tells_the_head_of_the_line():
    group = GroupFactory(capacity=1)
    first = register(group_id=group.pk, registrant=Registrant(name="First", email="first@example.org"))
    waiting = register(group_id=group.pk, registrant=_ana())
    cancel(registration_id=first.pk)
    (row,) = _rows("group.promoted")
    assert row.to_address == "ana@example.org" and row.subject.startswith("Se abrió un lugar para usted")
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.REGISTERED


def test_reminder_the_day_before_each_session_once_per_place():
    group = GroupFactory(name="Baby and me")
    registered = register(group_id=group.pk, registrant=_ana(phone="+13135550142", texts_ok=True))
    other = register(group_id=group.pk, registrant=Registrant(name="Joe", email="joe@example.org"))
    cancel(registration_id=other.pk)
    first, second = next_sessions(group, limit=2)
    day_before = first - datetime.timedelta(hours=20)
    assert groups_send_reminders(now=first - datetime.timedelta(hours=30))["queued"] == 0
    assert groups_send_reminders(now=day_before) == {"sessions": 1, "queued": 2}
    assert groups_send_reminders(now=day_before + datetime.timedelta(hours=1))["queued"] == 0  # idempotent
    rows = _rows("group.reminder")
    assert {r.to_address for r in rows} == {"ana@example.org", "+13135550142"}
    email = next(r for r in rows if r.channel == "email")
    assert email.subject.startswith("Recordatorio: Baby and me, ") and "10:00" in email.subject
    assert registered.name in email.body
    # The next week's session gets its own reminder.
    assert groups_send_reminders(now=second - datetime.timedelta(hours=20))["queued"] == 2


def test_no_child_in_any_notice():
    """A registration holds no child; the notices name the group, when, where, a link."""
    group = GroupFactory(capacity=1)
    register(group_id=group.pk, registrant=_ana(phone="+13135550142", texts_ok=True))
    first = next_sessions(group, limit=1)[0]
    groups_send_reminders(now=first - datetime.timedelta(hours=2))
    for row in _rows():
        words = row.subject + row.body
        assert "child" not in words.lower() and "niñ" not in words.lower(), words
    assert {r.kind for r in _rows()} == {"group.registered", "group.reminder"}


def test_without_an_account_the_email_links_back_to_the_registration(client):
    """The link is minted when the e-mail is sent (the outbox row holds none); it lets a
    browser see and cancel that registration, and a forged one finds nothing."""
    group = GroupFactory()
    registration = register(group_id=group.pk, registrant=_ana())
    (row,) = _rows()
    assert "/groups/registrations/link/" not in row.body
    outbox_deliver_due()
    (sent,) = mail.outbox
    assert "Ver o cancelar su inscripción: http" in sent.body
    path = "/" + sent.body.split("Ver o cancelar su inscripción: ")[1].split()[0].split("/", 3)[3]
    assert client.get(f"/groups/registrations/{registration.pk}/").status_code == 404
    landed = client.get(path, follow=True)
    assert landed.redirect_chain[-1][0] == f"/groups/registrations/{registration.pk}/?lang=es"
    assert "Tiene un lugar" in landed.content.decode()  # in the e-mail's language
    client.post(f"/groups/registrations/{registration.pk}/cancel/")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert client.get(path[:-6] + "xxxxx/").status_code == 404


def test_a_signed_in_registrant_gets_no_link_in_the_email():
    group = GroupFactory()
    user = UserFactory(email="maria@example.org")
    register(group_id=group.pk, registrant=Registrant(name="María", email=user.email, user=user))
    outbox_deliver_due()
    (sent,) = mail.outbox
    assert "/groups/registrations/link/" not in sent.body


def test_cancelling_the_group_tells_everyone_still_registered_or_in_line():
    from groups.host_services import group_cancel

    group = GroupFactory(name="Círculo de Seguridad", capacity=1)
    ana = register(group_id=group.pk, registrant=_ana(phone="+13135550142", texts_ok=True))
    waiting = register(group_id=group.pk, registrant=Registrant(name="Bea", email="bea@example.org"))
    gone = register(group_id=group.pk, registrant=Registrant(name="Cy", email="cy@example.org"))
    cancel(registration_id=gone.pk)
    group_cancel(actor=group.host.user, group_id=group.pk)

    told = {(row.to_address, row.channel) for row in _rows("group.cancelled")}
    assert told == {("ana@example.org", "email"), ("+13135550142", "sms"), ("bea@example.org", "email")}
    outbox_deliver_due()
    subjects = {m.to[0]: m.subject for m in mail.outbox if "Cancel" in m.subject}
    assert subjects == {
        "ana@example.org": "Cancelado: Círculo de Seguridad",
        "bea@example.org": "Cancelled: Círculo de Seguridad",
    }
    assert waiting.status == RegistrationStatus.WAITLISTED and ana.status == RegistrationStatus.REGISTERED
