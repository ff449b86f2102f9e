"""Finding 8a (issue 23): an appointment more than five years ahead is refused with 400
``appointment_too_far`` (API and page form), and a stored extreme date-time (year 9999,
written before the rule) never breaks the referral page, the family's portal or the
timeline for a reader east of UTC."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from people.preferences import update_preferences
from referrals.models import Referral, ReferralEvent
from tests.factories.referrals import send
from tests.referrals.conftest import advance

pytestmark = pytest.mark.django_db

YEAR_9999 = "9999-12-31T23:30:00Z"


@pytest.mark.parametrize("verb", ["schedule", "reschedule"])
@pytest.mark.parametrize("when", [YEAR_9999, "9999-12-31T23:30:00-06:00", "far"])
def test_the_api_refuses_an_appointment_more_than_five_years_ahead(world, as_user, verb, when):
    referral = advance(world, send(world), "accepted" if verb == "schedule" else "scheduled")
    before = referral.appointment_at
    if when == "far":
        when = (timezone.now() + datetime.timedelta(days=5 * 366)).isoformat()
    response = as_user(world.recipient.user).post(
        f"/api/v1/referrals/{referral.pk}/{verb}/", {"appointment_at": when}, format="json"
    )
    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == ("appointment_too_far", "appointment_at")
    referral.refresh_from_db()
    assert referral.appointment_at == before


def test_four_years_ahead_is_still_accepted(world, as_user):
    referral = advance(world, send(world), "accepted")
    when = (timezone.now() + datetime.timedelta(days=4 * 365)).replace(microsecond=0)
    response = as_user(world.recipient.user).post(
        f"/api/v1/referrals/{referral.pk}/schedule/", {"appointment_at": when.isoformat()}, format="json"
    )
    assert response.status_code == 200, response.content


def test_the_page_form_refuses_year_9999_in_the_readers_zone(world, client):
    referral = advance(world, send(world), "accepted")
    update_preferences(world.recipient.user, time_zone="Asia/Tokyo")
    client.force_login(world.recipient.user)
    response = client.post(
        f"/referrals/{referral.pk}/schedule/", {"appointment_at": "9999-12-31T23:30"}, follow=True
    )
    # Refused beside the field, with the date as typed still in it.
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="appointment_at-error"' in html and "more than 5 years ahead" in html
    assert 'value="9999-12-31T23:30"' in html
    referral.refresh_from_db()
    assert (referral.status, referral.appointment_at) == ("accepted", None)


def test_a_stored_year_9999_appointment_renders_for_readers_east_of_utc(world, client):
    referral = advance(world, send(world), "scheduled")
    extreme = datetime.datetime(9999, 12, 31, 23, 30, tzinfo=datetime.UTC)
    Referral.objects.filter(pk=referral.pk).update(appointment_at=extreme)
    ReferralEvent.objects.filter(referral=referral, appointment_at__isnull=False).update(
        appointment_at=extreme, previous_appointment_at=extreme
    )
    for user, path in (
        (world.recipient.user, f"/referrals/{referral.pk}/"),
        (world.guardian.user, "/portal/referrals/"),
    ):
        update_preferences(user, time_zone="Asia/Tokyo")
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 200, path
        assert "31 Dec 9999" in response.content.decode(), path
