"""The IDOR walk: every demo role, with every demo registration's id, on every groups
endpoint that takes a registration id: only its registrant gets an answer; everyone
else gets the same 404 as for an id that does not exist."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from tests.routes import ROLE_USERNAMES

ENDPOINTS = [
    ("post", "/api/v1/groups/registrations/{}/cancel/"),
    ("get", "/api/v1/groups/registrations/{}/calendar.ics"),
]


@pytest.mark.parametrize(("method", "template"), ENDPOINTS)
def test_only_the_registrant_reaches_a_registration(method, template, demo, client):
    registrations = demo["group_registrations"]
    assert registrations
    for registration in registrations.values():
        url = template.format(registration.pk)
        for username in ROLE_USERNAMES.values():
            user = User.objects.get(username=username)
            client.force_login(user)
            with transaction.atomic():
                status = getattr(client, method)(url).status_code
                transaction.set_rollback(True)
            assert status == (200 if registration.user_id == user.pk else 404), (url, username)
        client.logout()
        assert getattr(client, method)(url).status_code == 403
        client.force_login(registration.user)
        assert getattr(client, method)(template.format(10**9)).status_code == 404


def test_my_registrations_list_only_mine(demo, client):
    for username in ROLE_USERNAMES.values():
        user = User.objects.get(username=username)
        client.force_login(user)
        ids = {r["id"] for r in client.get("/api/v1/groups/registrations/").json()["results"]}
        mine = {r.pk for r in demo["group_registrations"].values() if r.user_id == user.pk}
        assert ids == mine, username


def test_demo_groups_are_seeded_once_and_found_by_families(demo, client):
    from groups.demo import seed
    from groups.models import Group, Registration

    before = (Group.objects.count(), Registration.objects.count())
    seed(demo, type("Quiet", (), {"write": lambda self, *a: None})())
    assert (Group.objects.count(), Registration.objects.count()) == before
    names = {
        g["name"]
        for g in client.get("/api/v1/groups/", {"near": "48197", "kind": "parent_group"}).json()["results"]
    }
    assert {"Círculo de Seguridad para Padres", "Baby and Me Playgroup"} <= names
    baby = demo["groups"]["baby_and_me"]
    assert baby.exdates and "EXDATE" in client.get(f"/api/v1/groups/{baby.pk}/calendar.ics").content.decode()
