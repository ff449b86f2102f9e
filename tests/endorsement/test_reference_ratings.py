"""Finding 8c (issue 23): a reference's ratings are an object of competency domains to
whole numbers 1-5. A list, a string, a number, ``true``/``false`` or ``null`` as the
ratings or as a rating is a 400 ``invalid_ratings`` and the link stays unused (it was a
500 for a list or string, and ``true`` passed as a rating of 1)."""

from __future__ import annotations

import pytest
from django.test import Client

from endorsement.models import Reference
from tests.endorsement.conftest import as_user, reference_links

pytestmark = pytest.mark.django_db

BAD_RATINGS = [
    ["reflection", 5],
    "reflection=5",
    5,
    {"reflection": True},
    {"reflection": False},
    {"reflection": None},
    {"reflection": "5"},
    {"reflection": 4.5},
    {"reflection": 6},
    {"not_a_domain": 3},
]


@pytest.fixture
def link(applicant, django_capture_on_commit_callbacks):
    api = as_user(applicant.user)
    app_id = api.post(
        "/api/v1/endorsement/applications/", {"category": "infant_family_associate"}, format="json"
    ).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/endorsement/applications/{app_id}/references/",
            {"name": "Pat Doe", "email": "pat@example.test"},
            format="json",
        )
    assert response.status_code == 201
    return reference_links()[0]


@pytest.mark.parametrize("ratings", BAD_RATINGS, ids=repr)
def test_malformed_ratings_are_a_400_and_the_link_stays_unused(link, ratings):
    client = Client(raise_request_exception=False)
    response = client.post(link, {"ratings": ratings, "recommend": True}, content_type="application/json")
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert response.json()["code"] == "invalid_ratings", response.content
    assert Reference.objects.get().answered_at is None


def test_whole_numbers_from_1_to_5_are_recorded(link):
    response = Client().post(
        link,
        {"ratings": {"reflection": 5, "working_with_others": 1}, "recommend": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert Reference.objects.get().ratings == {"reflection": 5, "working_with_others": 1}
