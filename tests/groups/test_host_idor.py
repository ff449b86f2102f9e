"""An IDOR walk over every host endpoint of a group (edit, cancel, roster, attendance;
API and pages): as every signed-in stranger (families, other providers, the network lead,
a coordinator) and anonymously. Nobody but the host and curators changes the group or its
attendance, and nobody else reads who registered: the answer is the 404 of a missing
group (403 or the login page when signed out), and no registrant's name or contact is in
any answer."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from groups.models import Attendance, Group
from groups.services import Registrant, register

pytestmark = pytest.mark.django_db

STRANGERS = ["guardian", "guardian2", "outsider", "imh_clinician", "network_lead", "coordinator", "anonymous"]
SECRET_NAME = "Quintessa Marlowe"
SECRET_EMAIL = "quintessa.marlowe@example.org"


@pytest.fixture
def hosted(demo):
    host = demo["providers"]["pediatrician"]
    group = Group.objects.create(
        host=host,
        name="Pediatrician's parent group",
        kind="parent_group",
        online=True,
        video_url="https://meet.example.org/pg",
        capacity=5,
        starts_on=timezone.localdate() - datetime.timedelta(days=14),
        start_time=datetime.time(9, 0),
        rrule="FREQ=WEEKLY;COUNT=6",
    )
    registration = register(group_id=group.pk, registrant=Registrant(name=SECRET_NAME, email=SECRET_EMAIL))
    Attendance.objects.create(registration=registration, session_start=group.schedule.starts_at, present=True)
    return group, registration


def state(group: Group) -> tuple:
    group.refresh_from_db()
    return (
        group.name,
        group.capacity,
        group.rrule,
        group.cancelled_at,
        sorted(Attendance.objects.filter(registration__group=group).values_list("present", flat=True)),
        Group.objects.count(),
    )


def test_strangers_neither_change_nor_read_a_group_they_do_not_host(hosted):
    group, registration = hosted
    start = group.schedule.starts_at.isoformat()
    before = state(group)
    api_calls = [
        ("patch", f"/api/v1/groups/{group.pk}/", {"name": "Taken over", "capacity": 1}),
        ("post", f"/api/v1/groups/{group.pk}/cancel/", {}),
        ("put", f"/api/v1/groups/{group.pk}/sessions/{start}/attendance/", {str(registration.pk): False}),
        ("get", f"/api/v1/groups/{group.pk}/roster/", None),
    ]
    page_reads = [f"/groups/host/{group.pk}/roster/", f"/groups/host/{group.pk}/edit/"]
    page_writes = [
        (f"/groups/host/{group.pk}/edit/", {"name": "Taken over", "repeat": "once", "capacity": "1"}),
        (f"/groups/host/{group.pk}/cancel/", {"confirm": "1"}),
        (
            f"/groups/host/{group.pk}/sessions/{start}/attendance/",
            {"people": [registration.pk], "present": []},
        ),
    ]
    for who in STRANGERS:
        api, web = APIClient(), Client()
        if who != "anonymous":
            user = User.objects.get(username=who)
            api.force_authenticate(user)
            web.force_login(user)
        for method, url, body in api_calls:
            response = getattr(api, method)(url, body, format="json")
            expected = 403 if who == "anonymous" else 404
            assert response.status_code == expected, (who, method, url, response.status_code)
            assert (
                SECRET_NAME not in response.content.decode() and SECRET_EMAIL not in response.content.decode()
            )
        for url in page_reads:
            response = web.get(url)
            assert response.status_code == (302 if who == "anonymous" else 404), (who, url)
            assert SECRET_NAME not in response.content.decode()
        for url, body in page_writes:
            response = web.post(url, body)
            assert response.status_code == (302 if who == "anonymous" else 404), (who, url)
            if who == "anonymous":
                assert "/accounts/login/" in response["Location"]
        assert state(group) == before, who


def test_the_host_and_a_curator_do(hosted):
    group, registration = hosted
    for who in ("pediatrician", "curator"):
        api = APIClient()
        api.force_authenticate(User.objects.get(username=who))
        roster = api.get(f"/api/v1/groups/{group.pk}/roster/")
        assert roster.status_code == 200 and SECRET_EMAIL in roster.content.decode(), who
