"""Other directories and 211 systems receive groups and events as HSDS 3.0 services with
a ``schedule``: the export validates against the official schema, and carries no video
link and nothing about who registered."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from groups.services import Registrant, register
from tests.directory.test_hsds import assert_valid
from tests.factories.groups import GroupFactory

pytestmark = pytest.mark.django_db


def test_the_hsds_export_of_a_group_validates_against_the_hsds_3_schema(tmp_path, client):
    group = GroupFactory(
        name="Círculo de Seguridad para Padres",
        language="es",
        ages_min_months=0,
        ages_max_months=60,
        starts_on=dt.date(2027, 1, 12),
        start_time=dt.time(18, 0),
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=8",
        exdates=["2027-02-16"],
    )
    video = GroupFactory(
        name="Reflective supervision",
        kind="reflective_supervision_group",
        audience="providers",
        location=None,
        online=True,
        video_url="https://video.example.org/private-room",
        starts_on=dt.date(2027, 1, 14),
        rrule="FREQ=MONTHLY;BYDAY=2TH;UNTIL=20271231",
    )
    registrant = User.objects.create_user("rosa", email="rosa.registrant@example.org")
    register(group_id=group.pk, registrant=Registrant(name="Rosa Registrant", user=registrant))

    call_command("export_hsds", str(tmp_path), stdout=StringIO())
    text = (tmp_path / "services.json").read_text()
    services = {s["id"]: s for s in json.loads(text)}
    weekly, monthly = services[str(group.hsds_id)], services[str(video.hsds_id)]
    for service in (weekly, monthly):
        assert_valid("service.json", service)
    schedule = weekly["schedules"][0]
    assert {k: schedule[k] for k in ("freq", "byday", "count", "dtstart", "opens_at", "closes_at")} == {
        "freq": "WEEKLY",
        "byday": "TU",
        "count": 8,
        "dtstart": "2027-01-12",
        "opens_at": "18:00",
        "closes_at": "19:30",
    }
    assert schedule["timezone"] == -5
    assert "2027-02-16" in schedule["notes"]
    assert weekly["languages"][0]["code"] == "es" and weekly["maximum_age"] == 5
    assert monthly["schedules"][0]["byday"] == "2TH" and monthly["schedules"][0]["until"] == "2027-12-31"
    assert monthly["service_at_locations"] == []
    assert "private-room" not in text and "Rosa" not in text and "rosa.registrant" not in text

    one = client.get(f"/hsds/services/{group.hsds_id}")
    assert one.status_code == 200 and one.json() == weekly
    assert client.get("/hsds/services/00000000-0000-0000-0000-000000000000").status_code == 404


def test_the_hsds_services_pages_list_groups_after_the_listings(client):
    groups = [GroupFactory(), GroupFactory(location=None, online=True, video_url="https://v.example.org/r")]
    listings = client.get("/hsds/services", {"per_page": 100}).json()["total_items"] - 2
    assert listings >= 2  # the groups' hosts are listings too
    seen = []
    for number in range(1, 100):
        page = client.get("/hsds/services", {"per_page": 3, "page": number}).json()
        seen += page["contents"]
        if page["last_page"]:
            break
    assert len(seen) == listings + 2 == page["total_items"]
    for item in seen:
        assert_valid("service_list.json", item)
    assert [s["id"] for s in seen[-2:]] == [str(g.hsds_id) for g in groups]
    assert "v.example.org" not in json.dumps(seen)
    # A text search looks in the listings only.
    found = client.get("/hsds/services", {"search": groups[0].name, "per_page": 100}).json()["contents"]
    assert str(groups[0].hsds_id) not in {s["id"] for s in found}
