"""Issue 27, "families by text": a guardian who chose texts gets a short status line and
a sign-in link for each step of a referral for their child, in their language, through
the outbox (the file backend here). No text carries the child's name, birth date,
screening scores, the referral's reason, a diagnosis or the outcome."""

from __future__ import annotations

import datetime
import re

import pytest

from intake.services import family_request_create
from outbox.models import OutboxMessage
from people.preferences import update_preferences, update_text_updates
from referrals import services
from referrals.steps import step_add
from tests.factories.base import PASSWORD
from tests.factories.families import GuardianFactory
from tests.factories.referrals import send
from tests.referrals.conftest import advance
from tests.texts.conftest import NUMBER, deliver

pytestmark = pytest.mark.django_db

OTHER_NUMBER = "+13135550177"


def _child_details(world, referrals) -> dict[str, re.Pattern[str]]:
    child = world.child
    born = child.date_of_birth
    words = {
        "first name": child.first_name,
        "last name": child.last_name,
        "birth date": born.isoformat(),
        "birth date (US)": f"{born:%m/%d/%Y}",
        "birth date (long)": f"{born:%B} {born.day}",
        "birth year": str(born.year),
        "screening instrument": "ASQ",
        "screening total": "70",
        "concern type": "social",
        "outcome": "connected",
        "decline reason": "capacity",
        "appointment year": "2030",
    }
    for referral in referrals:
        words[f"reason {referral.pk}"] = referral.reason
    return {label: re.compile(re.escape(value), re.IGNORECASE) for label, value in words.items()}


def _walk_every_step(world):
    """Every family text kind: a provider's referral made, accepted, scheduled and
    completed; one declined; one cancelled."""
    walked = send(world)
    advance(world, walked, "completed")
    declined = send(world, reason="Second concern: feeding and weight.", to_provider_id=_other(world).pk)
    services.referral_decline(actor=_other(world).user, referral_id=declined.pk, decline_reason="no_capacity")
    cancelled = send(world, reason="Third concern: hearing check.")
    return [walked, declined, cancelled]


_others: dict[int, object] = {}


def _other(world):
    from tests.factories.directory import ProviderFactory
    from tests.factories.referrals import grant

    if world.child.pk not in _others:
        provider = ProviderFactory(discipline="speech_language_pathologist")
        grant(world, provider)
        _others[world.child.pk] = provider
    return _others[world.child.pk]


def test_every_family_text_kind_goes_out_with_no_child_detail(world, texts, clock):
    update_text_updates(world.guardian.user, number=NUMBER, wanted=True)
    referrals = _walk_every_step(world)
    services.referral_cancel(actor=world.referrer.user, referral_id=referrals[2].pk, reason="family moved")
    # The family's own request for help, with "text me updates" ticked: its kind too.
    request = family_request_create(
        actor=world.guardian.user,
        child_id=world.child.pk,
        provider_id=world.recipient.pk,
        concern="He does not sleep through the night and cries at drop-off.",
        preferred_language="en",
        contact_method="text",
        phone=NUMBER,
        password=PASSWORD,
        text_updates=True,
    )
    # A next step the recipient asks of the family (its words name the child: never texted).
    asked = send(world, reason="Fourth concern: a hearing follow-up.")
    referrals.append(asked)
    step_add(
        actor=world.recipient.user,
        referral_id=asked.pk,
        kind="general-information",
        text_en=f"Bring {world.child.first_name}'s vaccination card and the ASQ sheet.",
    )
    deliver()

    sent = texts.to(NUMBER)
    rows = OutboxMessage.objects.filter(channel="sms").order_by("id")
    assert {(r.kind, r.status) for r in rows} == {
        ("referral.family_update", "sent"),
        ("referral.status_changed", "sent"),
        ("referral.step_added", "sent"),
    }
    statuses = [r.key.split(":")[2] for r in rows if r.kind != "referral.step_added"]
    for step in ("sent", "accepted", "scheduled", "completed", "declined", "cancelled"):
        assert step in statuses, step
    assert len(sent) == rows.count() >= 9
    details = _child_details(world, [*referrals, request.referral])
    details["concern"] = re.compile(re.escape(request.concern))
    for text in sent:
        leaked = [label for label, pattern in details.items() if pattern.search(text["body"])]
        assert not leaked, (leaked, text["body"])
        assert "/portal/referrals/" in text["body"]
        assert "Reply STOP" in text["body"]
        assert len(text["body"]) <= 320, "a text stays short (two segments at most)"
    bodies = [t["body"] for t in sent]
    assert any("news about a referral for your child: Accepted" in b for b in bodies)
    assert any("your request for help is now: Sent" in b for b in bodies)
    assert any("asked you to do something" in b for b in bodies)


def test_a_spanish_speaking_guardian_gets_texts_in_spanish(world, texts, clock):
    update_preferences(world.guardian.user, preferred_language="es")
    update_text_updates(world.guardian.user, number=NUMBER, wanted=True)
    referral = send(world)
    advance(world, referral, "accepted")
    deliver()
    bodies = [t["body"] for t in texts.to(NUMBER)]
    assert len(bodies) == 2
    assert all("Responda STOP" in b or "BAJA" in b for b in bodies), bodies
    assert any("Aceptad" in b for b in bodies), bodies


def test_texts_are_off_unless_chosen_and_each_guardian_is_asked_like_the_e_mail(world, texts, clock):
    """A second guardian with texts on hears by text; the first, who never ticked the box,
    does not; a guardian a court order keeps from hearing about the child gets no text
    (the same people as the notice and the e-mail: ``consent.recipients``)."""
    from families.models import Restriction, RestrictionKind

    second = GuardianFactory(family=world.family)
    update_text_updates(second.user, number=OTHER_NUMBER, wanted=True)
    barred = GuardianFactory(family=world.family)
    update_text_updates(barred.user, number="+13135550199", wanted=True)
    Restriction.objects.create(child=world.child, person=barred, kind=RestrictionKind.NO_CONTACT)

    send(world)
    deliver()
    assert texts.to(NUMBER) == []
    assert len(texts.to(OTHER_NUMBER)) == 1
    assert texts.to("+13135550199") == []
    mails_to = set(OutboxMessage.objects.filter(channel="email").values_list("recipient_id", flat=True))
    texted = set(OutboxMessage.objects.filter(channel="sms").values_list("recipient_id", flat=True))
    assert texted <= mails_to | {second.user.pk}
    assert barred.user.pk not in texted


def test_a_text_is_sent_once_however_often_the_sweep_runs(world, texts, clock):
    update_text_updates(world.guardian.user, number=NUMBER, wanted=True)
    send(world)
    for _ in range(3):
        deliver()
    clock.shift(datetime.timedelta(minutes=10))
    deliver()
    assert len(texts.to(NUMBER)) == 1


def test_a_failed_text_is_retried_like_an_e_mail(world, texts, clock, settings):
    update_text_updates(world.guardian.user, number=NUMBER, wanted=True)
    settings.SMS_FILE_PATH = ""  # the backend refuses: as a provider outage would
    send(world)
    deliver()
    row = OutboxMessage.objects.get(channel="sms")
    assert (row.status, row.attempts) == ("pending", 1)
    settings.SMS_FILE_PATH = str(texts.path)
    clock.shift(datetime.timedelta(minutes=5))
    deliver()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(texts.to(NUMBER)) == 1


def test_a_moved_appointment_is_texted_once_a_window_without_the_time_or_the_child(world, texts, clock):
    update_preferences(world.guardian.user, preferred_language="es")
    update_text_updates(world.guardian.user, number=NUMBER, wanted=True)
    referral = advance(world, send(world), "scheduled")
    deliver()
    before = len(texts.to(NUMBER))
    for day in (2, 3):  # moved twice within the coalescing window: one text
        services.referral_reschedule(
            actor=world.recipient.user,
            referral_id=referral.pk,
            appointment_at=datetime.datetime(2030, 12, day, 15, tzinfo=datetime.UTC),
        )
    deliver()
    (moved,) = texts.to(NUMBER)[before:]
    assert "nueva fecha y hora" in moved["body"] and "/portal/referrals/" in moved["body"]
    details = _child_details(world, [referral])
    assert not [label for label, pattern in details.items() if pattern.search(moved["body"])]
    assert "2030" not in moved["body"] and "15:00" not in moved["body"]
