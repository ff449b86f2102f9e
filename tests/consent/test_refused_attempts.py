"""Issue 25 (smaller): refused attempts on a child's record were logged but the family
was never told. Now a guardian finds, in the notice centre, one notice per child and day
saying someone was refused (how many times), linking to the access log; no e-mail."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from consent.reminders import consents_notify_refusals
from outbox.models import OutboxMessage
from people.preferences import update_preferences
from tests.factories.directory import ProviderFactory
from tests.factories.referrals import referral_world, send

pytestmark = pytest.mark.django_db

KIND = "consent.refused_attempts"


def _as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _titles(user) -> list[str]:
    # A session (as in the browser): the page's language follows the account.
    client = Client()
    client.force_login(user)
    body = client.get("/api/v1/notices/").json()
    return [n["title"] for n in body["results"] if n["kind"] == KIND]


def test_the_family_is_told_once_a_day_when_someone_is_refused_their_childs_record():
    world = referral_world()
    referral = send(world)
    stranger = ProviderFactory().user
    for _ in range(2):
        assert _as(stranger).get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
    # The family's own look at something it may not see is not "someone else".
    assert consents_notify_refusals() == 1
    notices = OutboxMessage.objects.filter(channel="in_app", kind=KIND, recipient=world.guardian.user)
    assert notices.count() == 1
    notice = notices.get()
    assert notice.payload["attempts"] == 2
    assert notice.payload["url"] == f"/portal/children/{world.child.pk}/access-log/"
    titles = _titles(world.guardian.user)
    assert titles == [
        "Someone without permission tried to see your child's information 2 times today and was "
        "refused each time: nothing was shown. See who in the access log."
    ]
    assert not OutboxMessage.objects.filter(channel="email", kind=KIND).exists()

    # A third attempt later the same day: the same notice, brought up to date; no new one.
    _as(stranger).post(f"/api/v1/referrals/{referral.pk}/accept/", {}, format="json")
    assert consents_notify_refusals() == 0
    notice.refresh_from_db()
    assert notice.payload["attempts"] == 3
    assert notices.count() == 1
    # Nobody else hears of it.
    assert set(OutboxMessage.objects.filter(kind=KIND).values_list("recipient_id", flat=True)) == {
        world.guardian.user.pk
    }


def test_a_spanish_family_reads_it_in_spanish_and_a_quiet_day_says_nothing():
    world = referral_world()
    update_preferences(world.guardian.user, preferred_language="es")
    assert consents_notify_refusals() == 0
    referral = send(world)
    _as(ProviderFactory().user).get(f"/api/v1/referrals/{referral.pk}/")
    consents_notify_refusals()
    titles = _titles(world.guardian.user)
    assert titles and "Alguien sin permiso intentó ver la información de su hijo o hija" in titles[0], titles
