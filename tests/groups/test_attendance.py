"""The host takes attendance per session: only at a session of the group's schedule
that has started, only for the group's own registrations; the roster shows the adults
who registered and, per session so far, who came."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from groups.models import Attendance, RegistrationStatus
from groups.schedule import occurrences
from groups.services import Registrant, register
from tests.factories.base import UserFactory
from tests.factories.directory import ProviderFactory
from tests.factories.groups import GroupFactory

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def started():
    """A weekly group that began three weeks ago (three sessions so far), two places,
    two registered parents and one on the waitlist."""
    host = ProviderFactory(user=UserFactory())
    group = GroupFactory(
        host=host,
        capacity=2,
        starts_on=timezone.localdate() - datetime.timedelta(days=21),
        rrule="FREQ=WEEKLY;COUNT=8",
    )
    people = [
        register(
            group_id=group.pk,
            registrant=Registrant(name=name, email=f"{name.split()[0].lower()}@example.org"),
        )
        for name in ("Ana Ruiz", "Ben Okafor", "Cleo Park")
    ]
    return group, people


def _url(group, start: datetime.datetime) -> str:
    return f"/api/v1/groups/{group.pk}/sessions/{start.isoformat()}/attendance/"


def test_the_host_marks_who_came_and_can_correct_it(started):
    group, (ana, ben, _cleo) = started
    first = group.schedule.starts_at
    client = _client(group.host.user)
    response = client.put(_url(group, first), {str(ana.pk): True, str(ben.pk): False}, format="json")
    assert response.status_code == 200, response.json()
    assert {row["registration_id"]: row["present"] for row in response.json()["attendance"]} == {
        ana.pk: True,
        ben.pk: False,
    }
    client.put(_url(group, first), {str(ben.pk): True}, format="json")
    assert set(Attendance.objects.filter(present=True).values_list("registration__name", flat=True)) == {
        "Ana Ruiz",
        "Ben Okafor",
    }
    assert Attendance.objects.count() == 2


def test_a_time_that_is_not_a_session_is_refused(started):
    group, (ana, *_rest) = started
    off = group.schedule.starts_at + datetime.timedelta(hours=1)
    response = _client(group.host.user).put(_url(group, off), {str(ana.pk): True}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "not_a_session")
    assert not Attendance.objects.exists()


def test_a_session_that_has_not_started_is_refused(started):
    group, (ana, *_rest) = started
    future = group.schedule.starts_at + datetime.timedelta(weeks=5)
    response = _client(group.host.user).put(_url(group, future), {str(ana.pk): True}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "session_not_started")
    assert not Attendance.objects.exists()


def test_only_the_groups_registered_people_can_be_marked(started):
    group, (_ana, _ben, cleo) = started
    stranger = register(
        group_id=GroupFactory().pk, registrant=Registrant(name="Dee Stranger", email="dee@example.org")
    )
    for registration in (cleo, stranger):
        response = _client(group.host.user).put(
            _url(group, group.schedule.starts_at), {str(registration.pk): True}, format="json"
        )
        assert (response.status_code, response.json()["code"]) == (400, "not_registered")
    assert not Attendance.objects.exists()


def test_another_provider_cannot_take_attendance(started):
    group, (ana, *_rest) = started
    other = ProviderFactory(user=UserFactory())
    response = _client(other.user).put(
        _url(group, group.schedule.starts_at), {str(ana.pk): True}, format="json"
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_the_roster_lists_the_adults_and_each_session_so_far(started):
    group, (ana, ben, cleo) = started
    first = group.schedule.starts_at
    _client(group.host.user).put(_url(group, first), {str(ana.pk): True, str(ben.pk): False}, format="json")
    response = _client(group.host.user).get(f"/api/v1/groups/{group.pk}/roster/")
    assert response.status_code == 200
    data = response.json()
    people = {row["name"]: row for row in data["registrations"]}
    assert (people["Ana Ruiz"]["status"], people["Cleo Park"]["status"]) == (
        RegistrationStatus.REGISTERED,
        RegistrationStatus.WAITLISTED,
    )
    assert people["Ana Ruiz"]["email"] == "ana@example.org"
    assert set(people["Ana Ruiz"]) == {"id", "name", "email", "phone", "language", "status", "since"}
    so_far = [s for s in occurrences(group.schedule) if s <= timezone.now()]
    assert [s["start"] for s in data["sessions"]] == [s.isoformat() for s in so_far]
    sessions = {s["start"][:10]: s for s in data["sessions"]}
    marks = {
        row["registration_id"]: row["present"] for row in sessions[first.date().isoformat()]["attendance"]
    }
    assert marks == {ana.pk: True, ben.pk: False}


def test_a_new_schedule_must_keep_the_sessions_attendance_was_taken_at(started):
    group, (ana, _ben, _cleo) = started
    first = group.schedule.starts_at
    client = _client(group.host.user)
    assert client.put(_url(group, first), {str(ana.pk): True}, format="json").status_code == 200
    edit = f"/api/v1/groups/{group.pk}/"

    moved = client.patch(edit, {"start_time": "11:00"}, format="json")
    assert moved.status_code == 409 and moved.json()["code"] == "schedule_drops_attended_session"
    skipped = client.patch(edit, {"exdates": [first.date().isoformat()]}, format="json")
    assert skipped.status_code == 409
    group.refresh_from_db()
    assert group.start_time == datetime.time(10, 0) and group.exdates == []
    # Later sessions may change: skipping next week's is fine.
    later = (first + datetime.timedelta(days=28)).date().isoformat()
    assert client.patch(edit, {"exdates": [later]}, format="json").status_code == 200
