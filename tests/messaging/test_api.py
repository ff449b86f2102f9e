"""The chat's REST side: history by cursor (constant queries, audited) and the send
fallback for clients whose socket cannot open."""

from __future__ import annotations

import uuid

import pytest

from audit.models import AuditEvent
from messaging.models import Message
from tests.factories.directory import ProviderFactory
from tests.factories.messaging import care_team, stored_message

pytestmark = pytest.mark.django_db


def url(team):
    return f"/api/v1/cases/{team.case.pk}/messages/"


def test_history_pages_forward_by_id_cursor(api_client):
    team = care_team(2)
    messages = [stored_message(team, i % 2, f"note {i}") for i in range(5)]
    api_client.force_authenticate(team.users[1])

    first = api_client.get(url(team), {"limit": 2}).json()
    assert [m["id"] for m in first["results"]] == [m.pk for m in messages[:2]]
    assert first["count"] == 5 and first["previous"] is None
    assert f"after={messages[1].pk}" in first["next"]

    rest = api_client.get(url(team), {"after": messages[1].pk, "limit": 10}).json()
    assert [m["body"] for m in rest["results"]] == ["note 2", "note 3", "note 4"]
    assert rest["next"] is None


def test_history_costs_the_same_queries_for_any_page_size(api_client, django_assert_num_queries):
    team = care_team(2)
    stored_message(team)
    api_client.force_authenticate(team.users[0])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        api_client.get(url(team))
    for i in range(30):
        stored_message(team, i % 2, f"more {i}")
    with django_assert_num_queries(len(small.captured_queries)):
        response = api_client.get(url(team))
    assert len(response.json()["results"]) == 31


def test_every_history_read_is_audited_as_care_coordination_on_case_notes(api_client):
    team = care_team(1)
    stored_message(team)
    api_client.force_authenticate(team.users[0])
    api_client.get(url(team))
    read = AuditEvent.objects.filter(action="view", actor=team.users[0]).get()
    assert (read.child_id, read.data_category, read.purpose) == (
        team.child.pk,
        "case_notes",
        "care_coordination",
    )


def test_posting_sends_like_the_socket_and_is_idempotent(api_client):
    team = care_team(1)
    api_client.force_authenticate(team.users[0])
    msg_id = str(uuid.uuid4())
    created = api_client.post(url(team), {"body": "From the fallback", "client_msg_id": msg_id})
    again = api_client.post(url(team), {"body": "From the fallback", "client_msg_id": msg_id})
    assert created.status_code == 201 and again.status_code == 200
    assert created.json()["id"] == again.json()["id"]
    assert Message.objects.filter(case=team.case).count() == 1
    assert AuditEvent.objects.filter(action="message").count() == 1


def test_outsiders_and_revoked_members_get_the_same_not_found(api_client):
    from django.utils import timezone

    team = care_team(1)
    api_client.force_authenticate(ProviderFactory().user)
    assert api_client.get(url(team)).json()["code"] == "not_found"
    api_client.force_authenticate(team.users[0])
    team.consents[team.providers[0].pk].__class__.objects.update(revoked_at=timezone.now())
    response = api_client.post(url(team), {"body": "hi", "client_msg_id": str(uuid.uuid4())})
    assert response.status_code == 404
    assert Message.objects.count() == 0


@pytest.mark.parametrize(
    "query,parameter",
    [("after=-1", "after"), ("after=x", "after"), ("limit=0", "limit"), ("limit=201", "limit")],
)
def test_bad_cursor_parameters_are_a_400_naming_the_parameter(api_client, query, parameter):
    team = care_team(1)
    api_client.force_authenticate(team.users[0])
    response = api_client.get(f"{url(team)}?{query}")
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_bad_bodies_are_refused(api_client):
    team = care_team(1)
    api_client.force_authenticate(team.users[0])
    too_long = api_client.post(url(team), {"body": "x" * 8001, "client_msg_id": str(uuid.uuid4())})
    assert too_long.status_code == 400
    blank = api_client.post(url(team), {"body": "   ", "client_msg_id": str(uuid.uuid4())})
    assert blank.status_code == 400 and blank.json()["code"] == "invalid_body"


def test_the_demo_seeds_a_conversation_in_mateos_case_once(demo):
    from io import StringIO

    from messaging import demo as messaging_demo

    case = demo["cases"]["mateo"]
    count = Message.objects.filter(case=case).count()
    assert count == len(messaging_demo.CONVERSATION)
    messaging_demo.seed(demo, StringIO())
    assert Message.objects.filter(case=case).count() == count


def test_the_case_list_shows_each_member_their_unread_count(api_client):
    from messaging.services import read_marker_set

    team = care_team(2)
    first = stored_message(team, 0, "one")
    stored_message(team, 0, "two")
    api_client.force_authenticate(team.users[1])

    def unread() -> int:
        rows = api_client.get("/api/v1/cases/").json()["results"]
        return next(row["unread_count"] for row in rows if row["id"] == team.case.pk)

    assert unread() == 2
    read_marker_set(actor=team.users[1], case_id=team.case.pk, message_id=first.pk)
    assert unread() == 1


def test_the_chat_panel_renders_only_for_those_who_may_chat(client):
    from django.template.loader import render_to_string

    team = care_team(1)
    outsider = ProviderFactory().user
    member_html = render_to_string("messaging/chat_panel.html", {"case": team.case, "user": team.users[0]})
    outsider_html = render_to_string("messaging/chat_panel.html", {"case": team.case, "user": outsider})
    assert "data-chat-panel" in member_html and f'data-case-id="{team.case.pk}"' in member_html
    assert "data-chat-panel" not in outsider_html and "care-team members" in outsider_html


def test_ids_beyond_64_bits_are_answered_not_crashed_on(api_client):
    team = care_team(1)
    api_client.force_authenticate(team.users[0])
    assert api_client.get(f"/api/v1/cases/{2**63}/messages/").status_code == 404
    response = api_client.get(f"{url(team)}?after={2**63}")
    assert response.status_code == 400 and response.json()["parameter"] == "after"
