"""Issue 25, item 2: a family is told about a referral a provider made for its child, at
each step it should know (docs/notices.md, "Families"): in the app always, in plain
words in the guardian's language, with the appointment in the guardian's zone; by
e-mail (news and a link, never the child) unless the guardian turned those off."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from outbox.models import OutboxMessage
from people.preferences import update_preferences
from tests.factories.referrals import send
from tests.referrals.conftest import advance

pytestmark = pytest.mark.django_db

KIND = "referral.family_update"


def _family_notices(user, referral):
    return OutboxMessage.objects.filter(
        channel="in_app", recipient=user, payload__referral_id=referral.pk
    ).order_by("id")


def _family_mails(user):
    return OutboxMessage.objects.filter(channel="email", recipient=user).order_by("id")


def _titles(client, user, referral) -> list[str]:
    client.force_login(user)
    body = client.get("/api/v1/notices/").json()
    return [n["title"] for n in reversed(body["results"]) if n["payload"].get("referral_id") == referral.pk]


def _private(world, text: str) -> None:
    """Nothing in an e-mail names the child or carries the referral's contents."""
    for secret in (world.child.first_name, world.child.last_name, "sleep and separation", "2030"):
        assert secret not in text, (secret, text)


def test_the_family_hears_each_step_of_a_providers_referral_in_plain_words(world, client):
    update_preferences(world.guardian.user, time_zone="America/Chicago")
    referral = send(world)
    advance(world, referral, "received")  # the recipient opened it: nothing for the family
    advance(world, referral, "accepted")
    from referrals import services

    services.referral_schedule(
        actor=world.recipient.user,
        referral_id=referral.pk,
        appointment_at=datetime.datetime(2030, 12, 1, 15, tzinfo=datetime.UTC),
    )
    services.referral_complete(actor=world.recipient.user, referral_id=referral.pk, outcome="connected")

    guardian = world.guardian.user
    rows = _family_notices(guardian, referral)
    assert [r.payload["status"] for r in rows] == ["sent", "accepted", "scheduled", "completed"]
    assert {r.kind for r in rows} == {KIND}
    assert all(r.payload["url"] == f"/portal/referrals/#referral-{referral.pk}" for r in rows)

    titles = _titles(client, guardian, referral)
    assert "Your child was referred for more support" in titles[0]
    assert "will contact you to set up a first appointment" in titles[1]
    # The API answers in UTC; the page shows the guardian's zone (below).
    assert "1 Dec 2030" in titles[2]
    assert "connected to the services" in titles[3]
    page = client.get("/notices/").content.decode()
    assert "9:00 AM CST" in page or "9:00 a.m. CST" in page, re.findall(r"appointment is set[^<]*", page)

    mails = _family_mails(guardian)
    assert mails.count() == 4
    for mail in mails:
        assert mail.subject == "News about a referral for your child"
        assert "/portal/referrals/" in mail.body
        _private(world, mail.subject + mail.body)


def test_a_spanish_family_reads_its_notices_and_emails_in_spanish(world, client):
    update_preferences(world.guardian.user, preferred_language="es")
    referral = advance(world, send(world), "declined")
    titles = _titles(client, world.guardian.user, referral)
    assert "Su hijo o hija fue remitido" in titles[0], titles
    assert "no pudo aceptar la remisión" in titles[1], titles
    mails = _family_mails(world.guardian.user)
    assert [m.language for m in mails] == ["es", "es"]
    assert all(m.subject == "Novedades sobre una remisión para su hijo o hija" for m in mails)
    page = client.get("/notices/").content.decode()
    assert "Remisión nueva" in page or "remitido" in page


def test_a_cancelled_referral_is_explained_to_the_family(world, client):
    referral = advance(world, send(world), "cancelled")
    titles = _titles(client, world.guardian.user, referral)
    assert "was cancelled by the provider who made it" in titles[-1]


def test_a_family_that_turns_referral_emails_off_still_finds_every_notice(world, client):
    client.force_login(world.guardian.user)
    page = client.get("/accounts/settings/").content.decode()
    assert "E-mail me when there is news about a referral for my child" in page
    response = client.post(
        "/accounts/settings/", {"time_zone": "America/Chicago", "preferred_language": "en"}
    )  # the box unticked
    assert response.status_code == 302
    referral = advance(world, send(world), "accepted")
    assert not _family_mails(world.guardian.user).exists()
    assert _family_notices(world.guardian.user, referral).count() == 2
    # A provider's settings have no such choice.
    client.force_login(world.referrer.user)
    assert "news about a referral for my child" not in client.get("/accounts/settings/").content.decode()


def test_a_rescheduled_appointment_reads_the_time_in_force(world, client):
    referral = advance(world, send(world), "scheduled")
    from referrals import services

    first = (timezone.now() + datetime.timedelta(days=9)).replace(hour=14, minute=0, second=0, microsecond=0)
    second = first + datetime.timedelta(days=1)
    for moment in (first, second):
        services.referral_reschedule(
            actor=world.recipient.user, referral_id=referral.pk, appointment_at=moment
        )
    moved = OutboxMessage.objects.filter(
        channel="in_app", recipient=world.guardian.user, kind="referral.rescheduled"
    )
    assert moved.count() == 1  # coalesced, and brought up to date
    titles = _titles(client, world.guardian.user, referral)
    assert f"{second.day} {second:%b} {second.year}" in titles[-1], titles


def test_a_program_turns_referral_emails_off_through_the_me_api(world):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.guardian.user)
    assert api.get("/api/v1/me/").json()["referral_emails"] is True
    body = api.patch("/api/v1/me/", {"referral_emails": False}, format="json").json()
    assert body["referral_emails"] is False
    advance(world, send(world), "accepted")
    assert not _family_mails(world.guardian.user).exists()
