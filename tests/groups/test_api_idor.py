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
