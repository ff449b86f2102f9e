"""The time-zone setting (issue 25: "a flat list of about 600 zones"): the network's
common zones first, by their everyday names in the reader's language, then every other
zone grouped by region; any zone of the tz database can still be chosen, and a name that
is not one is refused beside the field."""

from __future__ import annotations

import re
import zoneinfo

import pytest
from django.contrib.auth.models import User

from people.preferences import time_zone_of

pytestmark = pytest.mark.django_db


def _groups(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    select = re.search(r'<select name="time_zone".*?</select>', html, re.S)
    assert select, html
    return [
        (label, re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', body))
        for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select.group(0), re.S)
    ]


@pytest.fixture
def guardian(client, demo):
    user = User.objects.get(username="guardian")
    client.force_login(user)
    return user


def test_the_common_zones_come_first_by_their_everyday_names(client, guardian):
    groups = _groups(client.get("/accounts/settings/").content.decode())
    label, common = groups[0]
    assert label == "Common time zones"
    assert common[0] == ("America/New_York", "Eastern time (New York, Detroit, Miami)")
    assert [value for value, _ in common][:5] == [
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
    ]
    regions = [label for label, _ in groups[1:]]
    assert "Europe" in regions and "Asia" in regions
    europe = dict(dict(groups)["Europe"])
    assert europe["Europe/Madrid"] == "Madrid"
    # Every zone once.
    values = [value for _, options in groups for value, _ in options]
    assert sorted(values) == sorted(zoneinfo.available_timezones())


def test_the_names_are_in_the_readers_language(client, guardian):
    groups = _groups(client.get("/accounts/settings/?lang=es").content.decode())
    assert groups[0][0] == "Zonas horarias frecuentes"
    assert groups[0][1][0] == ("America/New_York", "Hora del Este (Nueva York, Detroit, Miami)")


def test_any_zone_can_be_chosen_and_a_wrong_name_is_refused_beside_the_field(client, guardian):
    response = client.post("/accounts/settings/", {"time_zone": "Europe/Madrid", "preferred_language": "en"})
    assert response.status_code == 302 and time_zone_of(guardian) == "Europe/Madrid"
    response = client.post("/accounts/settings/", {"time_zone": "Mars/Olympus", "preferred_language": "en"})
    html = response.content.decode()
    assert response.status_code == 400 and 'class="error" role="alert"' in html
    assert time_zone_of(guardian) == "Europe/Madrid"
