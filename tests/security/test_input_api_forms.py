"""The APIs bind the same Django forms as the pages; a JSON client can send what no page
can (a list or an object where one value belongs). That is a 400 naming the field,
never a 500 and never the list read as text."""

from __future__ import annotations

import pytest

from families.models import Child
from tests.factories.families import GuardianFactory

pytestmark = pytest.mark.django_db


def test_a_list_sent_for_a_one_value_field_is_refused_naming_it_not_a_500(api_client):
    guardian = GuardianFactory()
    api_client.force_authenticate(guardian.user)
    answer = api_client.post(
        "/api/v1/children/",
        {"first_name": "Ana", "last_name": "Ruiz", "date_of_birth": ["2025-01-01"]},
        format="json",
    )
    assert (answer.status_code, answer.json()["field"]) == (400, "date_of_birth")
    name_as_list = api_client.post(
        "/api/v1/children/",
        {"first_name": ["Ana"], "last_name": "Ruiz", "date_of_birth": "2025-01-01"},
        format="json",
    )
    assert (name_as_list.status_code, name_as_list.json()["field"]) == (400, "first_name")
    assert not Child.objects.filter(family=guardian.family).exists()
