"""The host (the provider who runs a group) creates, edits and cancels it through the API;
nobody else touches it (another provider: 404, as for a missing group), and a bad
schedule is a 400 that names what is wrong (``code``)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from groups.models import Group
from tests.factories.base import UserFactory
from tests.factories.directory import LocationFactory, ProviderFactory
from tests.factories.groups import GroupFactory

pytestmark = pytest.mark.django_db


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def host():
    return ProviderFactory(user=UserFactory())


def _body(host, **over):
    location = LocationFactory(provider=host)
    body = {
        "name": "Circle of Security Parenting",
        "description": "Eight weeks on what your baby needs from you.",
        "kind": "parent_group",
        "language": "es",
        "ages_min_months": 0,
        "ages_max_months": 36,
        "location": location.pk,
        "capacity": 8,
        "time_zone": "America/Detroit",
        "starts_on": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
        "start_time": "18:00",
        "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=8",
        "exdates": [],
        "duration_minutes": 90,
    }
    body.update(over)
    return body


def test_a_provider_creates_a_group_it_hosts_with_families_as_the_default_audience(host):
    response = _client(host.user).post("/api/v1/groups/", _body(host), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    group = Group.objects.get(pk=data["id"])
    assert group.host == host
    assert (group.audience, data["audience"]) == ("families", "families")
    assert data["schedule"]["rrule"] == "FREQ=WEEKLY;BYDAY=TU;COUNT=8"
    assert len(data["next_sessions"]) == 3


def test_a_reflective_supervision_group_is_for_providers_by_default_and_keeps_its_domains(host):
    body = _body(host, kind="reflective_supervision_group", domains=["reflection", "thinking"])
    response = _client(host.user).post("/api/v1/groups/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["audience"] == "providers"
    assert Group.objects.get(pk=response.json()["id"]).domains == ["reflection", "thinking"]


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"rrule": "FREQ=HOURLY;COUNT=3"}, "rrule_frequency"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=XX"}, "rrule_invalid"),
        ({"rrule": "FREQ=WEEKLY;UNTIL=20270101T000000Z"}, "rrule_until_utc"),
        ({"time_zone": "Mars/Olympus"}, "time_zone_unknown"),
        ({"exdates": ["next tuesday"]}, "exdate_invalid"),
        ({"duration_minutes": 2}, "duration_invalid"),
    ],
)
def test_a_bad_schedule_is_refused_with_its_code(host, over, code):
    response = _client(host.user).post("/api/v1/groups/", _body(host, **over), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Group.objects.exists()


def test_the_place_is_one_of_the_hosts_locations_or_video(host):
    someone_elses = LocationFactory()
    response = _client(host.user).post(
        "/api/v1/groups/", _body(host, location=someone_elses.pk), format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "location" in response.json()["detail"]
    no_link = _body(host, location=None, online=True)
    response = _client(host.user).post("/api/v1/groups/", no_link, format="json")
    assert (response.status_code, response.json().get("field")) == (400, "video_url")
    video = _body(host, location=None, online=True, video_url="https://meet.example.org/cos")
    assert _client(host.user).post("/api/v1/groups/", video, format="json").status_code == 201


def test_a_family_or_an_account_without_a_listing_cannot_create(host):
    assert _client(UserFactory()).post("/api/v1/groups/", _body(host), format="json").status_code == 403
    assert _client().post("/api/v1/groups/", _body(host), format="json").status_code == 403
    assert not Group.objects.exists()


def test_the_host_edits_and_another_provider_gets_not_found(host):
    group = GroupFactory(host=host)
    response = _client(host.user).patch(
        f"/api/v1/groups/{group.pk}/",
        {"capacity": 12, "exdates": [group.starts_on.isoformat()]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    group.refresh_from_db()
    assert (group.capacity, group.exdates) == (12, [group.starts_on.isoformat()])

    other = ProviderFactory(user=UserFactory())
    for method, url, body in (
        ("patch", f"/api/v1/groups/{group.pk}/", {"capacity": 1}),
        ("post", f"/api/v1/groups/{group.pk}/cancel/", {}),
        ("get", f"/api/v1/groups/{group.pk}/roster/", None),
    ):
        response = getattr(_client(other.user), method)(url, body, format="json")
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), url
    group.refresh_from_db()
    assert (group.capacity, group.cancelled_at) == (12, None)


def test_an_edit_with_a_bad_rule_changes_nothing(host):
    group = GroupFactory(host=host)
    response = _client(host.user).patch(
        f"/api/v1/groups/{group.pk}/", {"rrule": "FREQ=SECONDLY"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "rrule_frequency")
    group.refresh_from_db()
    assert group.rrule == "FREQ=WEEKLY;COUNT=8"


def test_the_host_cancels_once(host):
    group = GroupFactory(host=host)
    response = _client(host.user).post(f"/api/v1/groups/{group.pk}/cancel/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["cancelled_at"]
    again = _client(host.user).post(f"/api/v1/groups/{group.pk}/cancel/", {}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "group_cancelled")


def test_a_curator_may_edit_any_group(host):
    group = GroupFactory(host=host)
    curator = UserFactory(is_staff=True)
    response = _client(curator).patch(f"/api/v1/groups/{group.pk}/", {"name": "Renamed"}, format="json")
    assert response.status_code == 200
    assert Group.objects.get(pk=group.pk).name == "Renamed"
