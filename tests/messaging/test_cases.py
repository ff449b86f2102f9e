"""The Cases page and the case list API as a provider uses them: last message, unread
count, the team; and what a former member sees after the family changed their consent."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from consent.services import consent_revoke
from messaging.services import read_marker_set
from tests.factories.directory import ProviderFactory
from tests.factories.messaging import care_team, stored_message

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def revoke(team, provider):
    consent_revoke(actor=team.guardian.user, consent_id=team.consents[provider.pk].pk, reason="We moved.")


def test_case_list_items_carry_unread_count_and_last_message_at():
    team = care_team(2)
    quiet = care_team(0)
    from tests.factories.messaging import add_member

    add_member(quiet, team.providers[1])
    first = stored_message(team, 0, "one")
    last = stored_message(team, 0, "two")
    rows = {row["id"]: row for row in api(team.users[1]).get("/api/v1/cases/").json()["results"]}
    assert rows[team.case.pk]["unread_count"] == 2
    assert parse_datetime(rows[team.case.pk]["last_message_at"]) == last.created_at
    assert rows[quiet.case.pk] | {"care_team": None} == rows[quiet.case.pk] | {
        "care_team": None,
        "unread_count": 0,
        "last_message_at": None,
    }
    # The most recently active case first.
    assert list(rows) == [team.case.pk, quiet.case.pk]
    read_marker_set(actor=team.users[1], case_id=team.case.pk, message_id=first.pk)
    again = api(team.users[1]).get("/api/v1/cases/").json()["results"][0]
    assert again["unread_count"] == 1
    # The author has nothing unread in their own words.
    assert api(team.users[0]).get("/api/v1/cases/").json()["results"][0]["unread_count"] == 0


def test_the_case_list_costs_the_same_queries_for_one_case_or_many(django_assert_max_num_queries):
    provider = ProviderFactory()
    from tests.factories.messaging import add_member

    def one_more_case():
        team = care_team(1)
        add_member(team, provider)
        stored_message(team, 0, "hello")

    one_more_case()
    with django_assert_max_num_queries(12) as one:
        api(provider.user).get("/api/v1/cases/")
    for _ in range(5):
        one_more_case()
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(api(provider.user).get("/api/v1/cases/").json()["results"]) == 6
    browser = web(provider.user)
    with django_assert_max_num_queries(22) as page_one:
        browser.get("/cases/")
    for _ in range(3):
        one_more_case()
    with django_assert_max_num_queries(len(page_one.captured_queries)):
        assert browser.get("/cases/").content.decode().count('class="card case-row') == 9


def test_the_cases_page_shows_the_last_message_unread_count_team_and_a_way_into_the_chat():
    team = care_team(2)
    stored_message(team, 0, "Evaluation moved to Wednesday at 10.")
    html = web(team.users[1]).get("/cases/").content.decode()
    assert team.child.name in html
    assert "Evaluation moved to Wednesday at 10." in html and team.providers[0].name in html
    assert "1 unread message" in html
    assert f'href="/cases/{team.case.pk}/chat/"' in html
    assert all(p.name in html for p in team.providers)
    # The nav badge is labelled, never a bare number.
    assert "1 unread message<" in html and 'data-badge="messages" data-count="1"' in html
    quiet = web(team.users[0]).get("/cases/").content.decode()
    assert (
        'data-badge="messages" data-count="0" ' in quiet and "unread message" not in quiet.split("<main")[1]
    )


def test_a_removed_member_keeps_a_stub_and_the_reason_while_outsiders_get_404():
    team = care_team(2)
    stored_message(team, 0, "Before the change")
    removed = team.providers[1]
    revoke(team, removed)

    page = web(removed.user).get(f"/cases/{team.case.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "The family changed their consent on" in html and "so you can no longer see this case." in html
    assert team.child.name not in html and "Before the change" not in html

    listing = web(removed.user).get("/cases/").content.decode()
    assert "Cases you can no longer see" in listing and f"Case #{team.case.pk}" in listing
    assert team.child.name not in listing

    outsider = ProviderFactory().user
    assert web(outsider).get(f"/cases/{team.case.pk}/").status_code == 404
    assert web(outsider).get("/cases/999999/").status_code == 404
    # The API keeps its one not-found for anyone who may not open the case.
    assert api(removed.user).get(f"/api/v1/cases/{team.case.pk}/").status_code == 404


def test_the_remaining_member_sees_the_team_without_the_removed_one():
    team = care_team(2)
    removed = team.providers[1]
    revoke(team, removed)
    [row] = api(team.users[0]).get("/api/v1/cases/").json()["results"]
    assert [m["provider"]["id"] for m in row["care_team"]] == [team.providers[0].pk]


def test_guardians_are_sent_to_their_own_pages():
    team = care_team(1)
    assert web(team.guardian.user).get("/cases/").status_code == 403
