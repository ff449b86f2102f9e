"""Production logs are JSON lines an operator can search by request id, user and
route, and a child's name, birth date or a chat message never reaches them."""

from __future__ import annotations

import io
import json
import logging

import pytest
from rest_framework.test import APIClient

from referral_hub.logs import JsonFormatter
from tests.factories.messaging import care_team
from tests.factories.referrals import asq_se_2, referral_world


@pytest.fixture
def json_log():
    """Everything logged at INFO and above, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    access = logging.getLogger("referral_hub.access")
    previous = (root.level, access.level)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    access.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous[0])
    access.setLevel(previous[1])


def as_user(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_logs_say_who_did_what_and_never_a_childs_details(db, json_log, django_capture_on_commit_callbacks):
    world = referral_world()
    team = care_team()
    # Distinctive names, so no chance match with a log word can hide or fake a leak.
    for child, (first, last) in (
        (world.child, ("Zephyrine", "Quillfeather")),
        (team.child, ("Oberon", "Vantablack")),
    ):
        child.first_name, child.last_name = first, last
        child.save(update_fields=["first_name", "last_name"])
    secret_body = "Mom says Lucia cries every night since the move"
    with django_capture_on_commit_callbacks(execute=True):
        sent = as_user(world.referrer.user).post(
            "/api/v1/referrals/",
            {
                "child": world.child.pk,
                "to_provider": world.recipient.pk,
                "reason": "Sleep concerns",
                "concern_type": "social_emotional",
                "screenings": [asq_se_2()],
            },
            format="json",
            HTTP_X_REQUEST_ID="req-log-1",
        )
        assert sent.status_code == 201, sent.json()
        posted = as_user(team.users[0]).post(
            f"/api/v1/cases/{team.case.pk}/messages/",
            {"body": secret_body, "client_msg_id": "7b0c1a52-0d3c-4a8e-9f5e-2d1c3b4a5e6f"},
            format="json",
        )
        assert posted.status_code == 201, posted.json()
    assert as_user(world.guardian.user).get(f"/api/v1/children/{world.child.pk}/").status_code == 200
    assert as_user(world.referrer.user).get("/api/v1/referrals/?box=nonsense").status_code == 400

    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    access = [entry for entry in lines if entry["logger"] == "referral_hub.access"]
    first = access[0]
    assert first["request_id"] == "req-log-1"
    assert first["user_id"] == world.referrer.user.pk
    assert (first["method"], first["route"], first["status"]) == ("POST", "api/v1/referrals/", 201)
    assert isinstance(first["duration_ms"], float)
    assert {entry["status"] for entry in access} >= {200, 201, 400}

    text = json_log.getvalue()
    for child in (world.child, team.child):
        for secret in (child.first_name, child.last_name, child.date_of_birth.isoformat()):
            assert secret not in text, f"{secret!r} reached a log line"
    assert secret_body not in text and "Lucia" not in text
