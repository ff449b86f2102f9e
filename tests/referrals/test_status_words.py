"""Issue 25, item 7: a Spanish-speaking family or provider reads referral statuses as
Spanish words, never the English codes or labels ("ahora está en estado: sent",
"Estado: Sent")."""

from __future__ import annotations

import re

import pytest

from people.preferences import update_preferences
from tests.factories.referrals import send
from tests.referrals.conftest import advance

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_a_spanish_guardian_reads_the_status_in_spanish_on_the_portal(world, client):
    referral = advance(world, send(world), "accepted")
    update_preferences(world.guardian.user, preferred_language="es")
    client.force_login(world.guardian.user)
    page = _text(client.get("/portal/referrals/").content.decode())
    assert "Estado:" in page
    assert "Aceptada" in page
    assert not re.search(r"\b(Accepted|Sent|Received)\b", page), page
    assert referral.pk


def test_a_spanish_referrer_reads_a_status_change_in_spanish_in_the_notice_centre(world, client):
    referral = advance(world, send(world), "accepted")
    update_preferences(world.referrer.user, preferred_language="es")
    client.force_login(world.referrer.user)
    body = client.get("/api/v1/notices/").json()
    titles = [n["title"] for n in body["results"] if n["payload"].get("referral_id") == referral.pk]
    accepted = [t for t in titles if "aceptada" in t]
    assert accepted, titles
    assert not any(re.search(r"\b(accepted|received|sent)\b", t) for t in titles), titles


def test_a_spanish_recipient_reads_the_outcome_and_status_in_spanish_on_the_referral_page(world, client):
    referral = advance(world, send(world), "completed")
    update_preferences(world.recipient.user, preferred_language="es")
    client.force_login(world.recipient.user)
    page = _text(client.get(f"/referrals/{referral.pk}/").content.decode())
    assert "Completada" in page
    assert "Conectado con servicios" in page
    assert not re.search(r"\b(Completed|Connected to services)\b", page), page
