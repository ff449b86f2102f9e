"""The host's pages: publish a group with the simple schedule choices, edit it, take
attendance with one form per session, cancel it. Nobody else opens them."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from groups.host_forms import choices_from_rrule
from groups.models import Attendance, Group
from groups.services import Registrant, register
from tests.factories.base import UserFactory
from tests.factories.directory import LocationFactory, ProviderFactory
from tests.factories.groups import GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def host():
    provider = ProviderFactory(user=UserFactory())
    LocationFactory(provider=provider, name="Family Center")
    return provider


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(host, **over):
    form = {
        "name": "Baby and me",
        "kind": "parent_group",
        "audience": "",
        "language": "es",
        "location": str(host.locations.get().pk),
        "capacity": "10",
        "waitlist_open": "on",
        "time_zone": "America/Chicago",
        "starts_on": "2027-03-02",
        "start_time": "10:30",
        "duration_minutes": "60",
        "repeat": "weekly",
        "byday": ["TU", "TH"],
        "ends": "count",
        "count": "12",
        "nth": "1",
        "weekday": "MO",
        "until": "",
        "rrule": "",
        "exdates": "2027-03-16\n2027-03-18",
    }
    form.update(over)
    return form


def test_a_host_publishes_a_weekly_group_from_the_simple_choices(host):
    response = _web(host.user).post("/groups/host/new/", _form(host))
    group = Group.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/groups/host/{group.pk}/roster/"
    assert (group.rrule, group.exdates, group.audience) == (
        "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=12",
        ["2027-03-16", "2027-03-18"],
        "families",
    )
    assert group.start_time == datetime.time(10, 30) and group.time_zone == "America/Chicago"
    page = _web(host.user).get("/groups/host/")
    assert "Baby and me" in page.content.decode()


@pytest.mark.parametrize(
    ("over", "rrule"),
    [
        ({"repeat": "once"}, ""),
        (
            {"repeat": "monthly", "nth": "-1", "weekday": "FR", "ends": "until", "until": "2027-12-31"},
            "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231T235959",
        ),
        ({"repeat": "custom", "rrule": "FREQ=WEEKLY;INTERVAL=2;COUNT=5"}, "FREQ=WEEKLY;INTERVAL=2;COUNT=5"),
    ],
)
def test_each_schedule_choice_becomes_its_rule_and_back(host, over, rrule):
    _web(host.user).post("/groups/host/new/", _form(host, **over))
    group = Group.objects.get()
    assert group.rrule == rrule
    chosen = choices_from_rrule(group.rrule)
    assert chosen["repeat"] == over["repeat"]


def test_a_bad_choice_is_shown_beside_the_form_and_nothing_is_saved(host):
    response = _web(host.user).post("/groups/host/new/", _form(host, repeat="custom", rrule="FREQ=MINUTELY"))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'role="alert"' in body and "Groups meet yearly, monthly, weekly or daily at most." in body
    assert 'value="Baby and me"' in body  # what was typed stays
    assert not Group.objects.exists()


def test_the_host_edits_the_schedule_on_the_page(host):
    group = GroupFactory(host=host, location=host.locations.get())
    page = _web(host.user).get(f"/groups/host/{group.pk}/edit/").content.decode()
    assert 'value="weekly" checked' in page and 'value="8"' in page
    form = _form(host, name=group.name, byday=["WE"], count="6", exdates="")
    response = _web(host.user).post(f"/groups/host/{group.pk}/edit/", form)
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.rrule == "FREQ=WEEKLY;BYDAY=WE;COUNT=6"


def test_attendance_is_one_form_per_session_and_unticked_means_absent(host):
    group = GroupFactory(
        host=host, location=host.locations.get(), starts_on=timezone.localdate() - datetime.timedelta(days=14)
    )
    ana = register(group_id=group.pk, registrant=Registrant(name="Ana Ruiz", phone="+13135550188"))
    ben = register(group_id=group.pk, registrant=Registrant(name="Ben Okafor", email="ben@example.org"))
    web = _web(host.user)
    page = web.get(f"/groups/host/{group.pk}/roster/").content.decode()
    first = group.schedule.starts_at
    assert page.count('class="card session"') >= 2
    assert "Ana Ruiz" in page and "tel:+13135550188" in page and "ben@example.org" in page
    response = web.post(
        f"/groups/host/{group.pk}/sessions/{first.isoformat()}/attendance/",
        {"people": [ana.pk, ben.pk], "present": [ana.pk]},
    )
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("registration__name", "present")) == {
        "Ana Ruiz": True,
        "Ben Okafor": False,
    }
    after = web.get(response["Location"]).content.decode()
    assert "Attendance saved: 1 of 2 present." in after
    assert "Taken: 1 of 2 present." in after


def test_the_host_cancels_only_with_the_confirmation(host):
    group = GroupFactory(host=host, location=host.locations.get())
    web = _web(host.user)
    web.post(f"/groups/host/{group.pk}/cancel/", {})
    group.refresh_from_db()
    assert group.cancelled_at is None
    web.post(f"/groups/host/{group.pk}/cancel/", {"confirm": "1"})
    group.refresh_from_db()
    assert group.cancelled_at is not None


def test_other_accounts_get_not_found_and_families_cannot_publish(host):
    group = GroupFactory(host=host, location=host.locations.get())
    other = _web(ProviderFactory(user=UserFactory()).user)
    for url in (f"/groups/host/{group.pk}/roster/", f"/groups/host/{group.pk}/edit/"):
        assert other.get(url).status_code == 404
    assert other.post(f"/groups/host/{group.pk}/cancel/", {"confirm": "1"}).status_code == 404
    group.refresh_from_db()
    assert group.cancelled_at is None
    family = _web(UserFactory())
    assert family.get("/groups/host/new/").status_code == 403
    assert Client().get("/groups/host/").status_code == 302


def test_the_roster_reads_in_spanish(host):
    group = GroupFactory(
        host=host, location=host.locations.get(), starts_on=timezone.localdate() - datetime.timedelta(days=7)
    )
    register(
        group_id=group.pk, registrant=Registrant(name="Ana Ruiz", email="ana@example.org", language="es")
    )
    page = _web(host.user).get(f"/groups/host/{group.pk}/roster/?lang=es")
    body = page.content.decode()
    assert '<html lang="es">' in body
    for words in (
        "Quién se inscribió",
        "Asistencia",
        "Guardar asistencia",
        "Idioma: Español",
        "Cancelar el grupo",
    ):
        assert words in body, words
