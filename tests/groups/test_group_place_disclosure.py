"""A group meeting at a home-visiting-only host's base publishes what the host's listing
publishes of it (directory.disclosure): the city, never the street, the building's name,
its coordinates or a distance to it; the people registered, who are coming, read it whole."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from groups.services import Registrant, register
from tests.directory.test_home_visiting import STREET, home_visitor
from tests.factories.groups import GroupFactory

pytestmark = pytest.mark.django_db


def test_no_public_output_of_the_group_names_the_hidden_street(client, tmp_path):
    host = home_visitor(service_zips="|48197|")
    group = GroupFactory(host=host, location=host.locations.get(), name="Baby and me at the office")

    outputs = {
        "api list": client.get("/api/v1/groups/", {"near": "48197"}).content.decode(),
        "api detail": client.get(f"/api/v1/groups/{group.pk}/").content.decode(),
        "search page": client.get("/groups/", {"near": "48197"}).content.decode(),
        "group page": client.get(f"/groups/{group.pk}/").content.decode(),
        "calendar": client.get(f"/api/v1/groups/{group.pk}/calendar.ics").content.decode(),
        "hsds service": client.get(f"/hsds/services/{group.hsds_id}").content.decode(),
    }
    call_command("export_hsds", str(tmp_path), stdout=StringIO())
    outputs["hsds export"] = (tmp_path / "services.json").read_text()
    for name, body in outputs.items():
        assert STREET not in body and "Quillfeather office" not in body, name
    listed = json.loads(outputs["api list"])["results"]
    assert [(item["id"], item["distance_miles"]) for item in listed] == [(group.pk, None)]
    assert "Ypsilanti" in outputs["group page"]

    registration = register(group_id=group.pk, registrant=Registrant(name="Ana", email="ana@example.org"))
    session = client.session
    session["groups_registrations"] = [registration.pk]
    session.save()
    own = client.get(f"/groups/registrations/{registration.pk}/").content.decode()
    assert STREET in own
