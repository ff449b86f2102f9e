"""Issue 27: STOP (or BAJA, ALTO, in any case, with spaces and punctuation around it)
sent back to our number ends every text to that number, for every account that gave it;
it is confirmed once; after it, thirty simulated days of every periodic job send that
number nothing; START resumes. Texts due at night wait for the morning."""

from __future__ import annotations

import datetime
from importlib import import_module

import pytest
from celery import current_app

from outbox.models import OutboxMessage, TextOptOut
from people.preferences import update_preferences, update_text_updates
from referral_hub.extensions import beat_schedule
from referrals import services
from tests.factories.families import GuardianFactory
from tests.factories.referrals import send
from tests.referrals.conftest import advance
from tests.texts.conftest import NUMBER, deliver, reply

pytestmark = pytest.mark.django_db


def _run_every_periodic_job() -> None:
    """Each beat entry once, as the worker would run it (eager)."""
    for entry in beat_schedule.values():
        import_module(entry["task"].rsplit(".", 1)[0])  # a worker autodiscovers them
        current_app.tasks[entry["task"]].apply().get()


@pytest.mark.parametrize("word", ["STOP", " stop. ", "Baja", "¡ALTO!", "alto", "Stop!!"])
def test_stop_words_in_any_case_stop_the_number(word, world, texts, clock, client):
    update_text_updates(world.guardian.user, number=NUMBER, wanted=True)
    response = reply(client, word)
    assert response.status_code == 200, response.content
    assert response.json() == {"action": "stopped"}
    assert TextOptOut.objects.get(number=NUMBER).stopped


@pytest.mark.parametrize("text", ["Please stop texting me", "ok thanks", "", "STOPP"])
def test_other_replies_change_nothing(text, world, texts, clock, client):
    response = reply(client, text)
    assert response.json() == {"action": "ignored"}
    assert not TextOptOut.objects.exists()


def test_after_stop_thirty_days_of_jobs_send_that_number_nothing_and_start_resumes(
    world, texts, clock, client
):
    guardian = world.guardian.user
    # A second account with the same number (a parent who shares the phone) hears nothing either.
    partner = GuardianFactory(family=world.family).user
    update_text_updates(guardian, number=NUMBER, wanted=True)
    update_text_updates(partner, number=NUMBER, wanted=True)
    referral = send(world)
    deliver()
    assert len(texts.to(NUMBER)) == 2  # one per account: made
    advance(world, referral, "accepted")  # queued, not yet sent...

    assert reply(client, "  Stop. ").json() == {"action": "stopped"}
    deliver()
    after_stop = texts.to(NUMBER)[2:]
    assert [t["body"] for t in after_stop] == [
        "Referral Hub: you will get no more texts from us at this number. Reply START to get them again."
    ]
    queued = OutboxMessage.objects.filter(
        channel="sms", kind="referral.family_update", key__contains=":accepted:"
    )
    assert set(queued.values_list("status", flat=True)) == {"dropped"}, (
        "queued before STOP: dropped, not sent"
    )

    # Repeats: no second confirmation.
    assert reply(client, "STOP").json() == {"action": "unchanged"}
    assert reply(client, "baja").json() == {"action": "unchanged"}

    news_mails = OutboxMessage.objects.filter(channel="email", recipient=guardian).count()
    # Thirty days: every day the referral world moves on and every periodic job runs,
    # in the morning and at night.
    for day in range(30):
        clock.shift(datetime.timedelta(hours=12))
        if day % 3 == 0:
            fresh = send(world, reason=f"Day {day}: another concern.")
            services.referral_accept(actor=world.recipient.user, referral_id=fresh.pk)
        elif day % 3 == 1:
            services.referral_cancel(actor=world.referrer.user, referral_id=fresh.pk, reason="moved")
        _run_every_periodic_job()
        deliver()
        clock.shift(datetime.timedelta(hours=12))
        _run_every_periodic_job()
        deliver()
    services.referral_schedule(
        actor=world.recipient.user,
        referral_id=referral.pk,
        appointment_at=datetime.datetime(2030, 12, 1, 15, tzinfo=datetime.UTC),
    )
    services.referral_complete(actor=world.recipient.user, referral_id=referral.pk, outcome="connected")
    deliver()
    assert OutboxMessage.objects.filter(channel="email", recipient=guardian).count() > news_mails + 20, (
        "the family had news all month (by e-mail)"
    )
    assert texts.to(NUMBER)[2:] == after_stop, "nothing but the one confirmation since STOP"
    assert not OutboxMessage.objects.filter(channel="sms", to_address=NUMBER, status="pending").exists()

    # START: confirmed once, and news comes by text again (to both accounts).
    assert reply(client, "start").json() == {"action": "resumed"}
    assert reply(client, "START").json() == {"action": "unchanged"}
    clock.move_to(_next_morning())
    deliver()
    again = send(world, reason="After START: a new concern.")
    services.referral_accept(actor=world.recipient.user, referral_id=again.pk)
    deliver()
    bodies = [t["body"] for t in texts.to(NUMBER)[3:]]
    assert bodies[0] == "Referral Hub: texts to this number are on again. Reply STOP to end them."
    assert len(bodies) == 1 + 2 * 2  # made and accepted, to each account


def _next_morning() -> datetime.datetime:
    from django.utils import timezone

    now = timezone.now()
    # 10:00 in New York, the day after.
    return datetime.datetime(now.year, now.month, now.day, 15, 0, tzinfo=datetime.UTC) + datetime.timedelta(
        days=1
    )


def test_the_stop_confirmation_is_in_spanish_for_baja(world, texts, clock, client):
    reply(client, "BAJA")
    deliver()
    assert [t["body"] for t in texts.to(NUMBER)] == [
        "Referral Hub: no enviaremos más mensajes a este número. Responda START para volver a recibirlos."
    ]


def test_a_text_due_at_night_waits_for_the_morning_in_the_readers_zone(world, texts, clock):
    guardian = world.guardian.user
    update_preferences(guardian, time_zone="America/Los_Angeles")
    update_text_updates(guardian, number=NUMBER, wanted=True)
    # 22:30 in Los Angeles (06:30 UTC the next day): quiet hours.
    clock.move_to(datetime.datetime(2027, 1, 13, 6, 30, tzinfo=datetime.UTC))
    send(world)
    deliver()
    assert texts.to(NUMBER) == []
    row = OutboxMessage.objects.get(channel="sms")
    assert row.status == "pending" and row.attempts == 0
    assert row.next_attempt_at == datetime.datetime(2027, 1, 13, 16, 0, tzinfo=datetime.UTC)  # 08:00 there
    clock.move_to(datetime.datetime(2027, 1, 13, 15, 59, tzinfo=datetime.UTC))
    deliver()
    assert texts.to(NUMBER) == []
    clock.move_to(datetime.datetime(2027, 1, 13, 16, 1, tzinfo=datetime.UTC))
    deliver()
    assert len(texts.to(NUMBER)) == 1
    row.refresh_from_db()
    assert row.status == "sent"


def test_a_text_that_comes_due_at_night_by_retry_is_held_not_dropped(world, texts, clock):
    update_text_updates(world.guardian.user, number=NUMBER, wanted=True)
    send(world)
    row = OutboxMessage.objects.get(channel="sms")
    # 23:00 in New York when the sweep finds it (a retry, a worker down all evening).
    clock.move_to(datetime.datetime(2027, 1, 13, 4, 0, tzinfo=datetime.UTC))
    deliver()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.next_attempt_at == datetime.datetime(2027, 1, 13, 13, 0, tzinfo=datetime.UTC)
    assert texts.to(NUMBER) == []


@pytest.mark.parametrize(
    ("word", "opening"), [("HELP", "Referral Hub: texts about"), ("¡Ayuda!", "Referral Hub: mensajes sobre")]
)
def test_help_is_answered_with_who_we_are_and_how_to_stop_even_after_stop(
    word, opening, world, texts, clock, client
):
    reply(client, "STOP")
    response = reply(client, word)
    assert response.json() == {"action": "helped"}
    deliver()
    answer = texts.to(NUMBER)[-1]["body"]
    assert answer.startswith(opening) and "STOP" in answer and "http" in answer
    assert TextOptOut.objects.get(number=NUMBER).stopped  # HELP changes nothing else
