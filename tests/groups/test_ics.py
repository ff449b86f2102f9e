"""A group's calendar file: what a family adds to its phone's calendar holds the same
sessions the site lists (DST included), in the group's zone, and nothing private."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from groups import ics
from groups.schedule import occurrences
from groups.services import Registrant, register
from tests.factories.groups import GroupFactory
from tests.groups.test_recurrence_property import from_ics

pytestmark = pytest.mark.django_db


def lines(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_the_public_calendar_expands_to_the_groups_sessions_across_the_november_change(client):
    group = GroupFactory(
        name="Círculo de Seguridad; padres, madres y cuidadores",
        description="Trae a tu bebé.\nHay café.",
        starts_on=dt.date(2026, 10, 6),
        start_time=dt.time(18, 0),
        rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20261124",
        exdates=["2026-10-27"],
        online=True,
        video_url="https://video.example.org/secret-room",
    )
    response = client.get(f"/api/v1/groups/{group.pk}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f'filename="group-{group.pk}.ics"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = lines(text)
    assert "DTSTART;TZID=America/Detroit:20261006T180000" in unfolded
    assert "EXDATE;TZID=America/Detroit:20261027T180000" in unfolded
    assert "DURATION:PT90M" in unfolded
    # UNTIL (a local date in the rule) in UTC, as RFC 5545 wants with a zoned DTSTART.
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20261125T045959Z" in unfolded
    assert r"SUMMARY:Círculo de Seguridad\; padres\, madres y cuidadores" in unfolded
    assert r"DESCRIPTION:Trae a tu bebé.\nHay café." in unfolded
    assert f"UID:group-{group.hsds_id}@referral-hub" in unfolded
    # The zone's two observances around the change: EDT until Nov 1, EST after.
    assert "TZOFFSETFROM:-0400" in unfolded and "TZOFFSETTO:-0500" in unfolded
    assert "DTSTART:20261101T020000" in unfolded
    assert "secret-room" not in text

    sessions = from_ics(text)
    assert sessions == occurrences(group.schedule)
    # UNTIL as a bare date includes its day: the Nov 24 session is the last.
    assert [s.astimezone(dt.UTC).hour for s in sessions] == [22, 22, 22, 23, 23, 23, 23]
    assert sessions[-1].date() == dt.date(2026, 11, 24)


def test_the_calendar_says_where_a_group_meets_by_city_or_video(client):
    in_person = GroupFactory()
    video = GroupFactory(location=None, online=True, video_url="https://video.example.org/x")
    assert (
        f"LOCATION:{in_person.location.city}"
        in client.get(f"/api/v1/groups/{in_person.pk}/calendar.ics").content.decode()
    )
    assert "LOCATION:Video" in client.get(f"/api/v1/groups/{video.pk}/calendar.ics").content.decode()
    assert client.get("/api/v1/groups/999999/calendar.ics").json()["code"] == "group_not_found"


def test_a_registrants_own_calendar_carries_the_video_link_and_nobody_elses_does(client):
    group = GroupFactory(location=None, online=True, video_url="https://video.example.org/our-room")
    owner = User.objects.create_user("ana", email="ana@example.org")
    other = User.objects.create_user("ben", email="ben@example.org")
    registration = register(group_id=group.pk, registrant=Registrant(name="Ana", user=owner))
    url = f"/api/v1/groups/registrations/{registration.pk}/calendar.ics"

    client.force_login(owner)
    mine = client.get(url)
    assert mine.status_code == 200
    assert "video.example.org/our-room" in mine.content.decode().replace("\r\n ", "")
    client.force_login(other)
    assert client.get(url).status_code == 404


def test_vtimezone_for_a_zone_without_daylight_saving_has_one_observance():
    lines_ = ics.vtimezone(ics.ZoneInfo("America/Phoenix"), 2026, 2026)
    assert lines_.count("BEGIN:STANDARD") == 1 and "BEGIN:DAYLIGHT" not in lines_
    assert "TZOFFSETTO:-0700" in lines_


def test_folding_never_splits_a_character():
    folded = ics.fold("DESCRIPTION:" + "ñ" * 100)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + "ñ" * 100


def test_an_open_ended_weekly_group_has_every_transition_its_sessions_reach(client):
    group = GroupFactory(starts_on=dt.date(2026, 12, 1), rrule="FREQ=WEEKLY;BYDAY=TU")
    text = client.get(f"/api/v1/groups/{group.pk}/calendar.ics").content.decode()
    # 1,000 weekly sessions reach January 2046: a spring change each year 2026-2046.
    assert text.count("BEGIN:DAYLIGHT") == 21
    assert "DTSTART:20450312T020000" in text  # the second Sunday of March 2045
    assert from_ics(text)[:20] == occurrences(group.schedule)[:20]


def test_a_group_whose_first_date_does_not_match_its_rule_starts_on_its_first_session(client):
    # Created on a Monday, meets on Tuesdays every other week: a calendar app would count
    # the Monday as a session (RFC 5545 counts DTSTART); the site does not.
    group = GroupFactory(starts_on=dt.date(2027, 3, 1), rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=4")
    text = client.get(f"/api/v1/groups/{group.pk}/calendar.ics").content.decode()
    assert "DTSTART;TZID=America/Detroit:20270302T100000" in lines(text)
    assert from_ics(text) == occurrences(group.schedule)
    assert len(occurrences(group.schedule)) == 4
