"""Also seen: a double-submitted web referral form made two referrals. The form carries
an idempotency token; the second post of the same form shows the first referral."""

from __future__ import annotations

import re

import pytest

from referrals.models import Referral

pytestmark = pytest.mark.django_db


def form_fields(world, html: str) -> dict:
    token = re.search(r'name="submission_id" value="([0-9a-f-]{36})"', html).group(1)
    return {
        "submission_id": token,
        "child": world.child.pk,
        "to_provider": world.recipient.pk,
        "reason": "Parent worried about tantrums.",
        "urgency": "routine",
        "concern_type": "behavioral",
    }


def test_submitting_the_same_form_twice_makes_one_referral(world, client):
    client.force_login(world.referrer.user)
    fields = form_fields(world, client.get("/referrals/new/").content.decode())
    first = client.post("/referrals/new/", fields)
    second = client.post("/referrals/new/", fields)
    referral = Referral.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/referrals/{referral.pk}/"
    page = client.get(second["Location"]).content.decode()
    assert f"Referral #{referral.pk} was already sent." in page


def test_each_form_shown_is_a_new_referral(world, client):
    client.force_login(world.referrer.user)
    for _ in range(2):
        fields = form_fields(world, client.get("/referrals/new/").content.decode())
        assert client.post("/referrals/new/", fields).status_code == 302
    assert Referral.objects.count() == 2


def test_an_old_form_sent_again_with_changes_is_refused_and_offers_a_fresh_form(world, client):
    client.force_login(world.referrer.user)
    fields = form_fields(world, client.get("/referrals/new/").content.decode())
    client.post("/referrals/new/", fields)
    changed = client.post("/referrals/new/", {**fields, "reason": "Something else entirely."})
    assert changed.status_code == 422
    assert Referral.objects.count() == 1
    fresh = form_fields(world, changed.content.decode())
    assert fresh["submission_id"] != fields["submission_id"]
    assert client.post("/referrals/new/", {**fresh, "reason": "Something else entirely."}).status_code == 302
    assert Referral.objects.count() == 2
