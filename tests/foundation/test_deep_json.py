"""Finding 8b (issue 23): a deeply nested JSON body is a 400 ``parse_error`` before any
view, anonymous or not, never a 500 (the body check used to recurse into it)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ROUTES = ["/api/v1/auth/token/", "/api/v1/referrals/", "/api/v1/consent-requests/", "/api/v1/invitations/"]


def _nested(depth: int, open_: str = "[", close: str = "]") -> str:
    return open_ * depth + close * depth


@pytest.fixture
def anonymous() -> Client:
    client = Client(raise_request_exception=False)
    return client


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("body", [_nested(1000), '{"a":' * 1000 + "1" + "}" * 1000, _nested(65)])
def test_nesting_deeper_than_64_is_a_parse_error(anonymous, route, body):
    response = anonymous.post(route, data=body, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert response.json()["code"] == "parse_error"


def test_nesting_of_64_and_brackets_inside_strings_pass_the_check(anonymous):
    shallow = anonymous.post("/api/v1/auth/token/", data=_nested(64), content_type="application/json")
    assert shallow.status_code == 400 and shallow.json()["code"] != "parse_error", shallow.content
    text = '{"username": "' + "[" * 5000 + '", "password": "x"}'
    in_string = anonymous.post("/api/v1/auth/token/", data=text, content_type="application/json")
    assert in_string.status_code == 400 and in_string.json()["code"] != "parse_error", in_string.content


def test_a_signed_in_page_post_with_deep_json_is_the_400_page(client, django_user_model):
    client.raise_request_exception = False
    client.force_login(django_user_model.objects.create_user("deep", password="pw-deep-2026"))
    response = client.post("/portal/", data=_nested(1000), content_type="application/json")
    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]
