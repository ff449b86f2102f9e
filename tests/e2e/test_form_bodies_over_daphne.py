"""The shipped server (daphne on Twisted) hands every form body to Django: an empty
multipart upload is the API's 400 JSON with a code, not a bare 400 from the web server
without headers or body (Twisted used to pre-parse form bodies and refuse the ones its
e-mail parser does not understand before the application saw them)."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest

from tests.e2e.test_concurrency import token_for

pytestmark = pytest.mark.e2e

BOUNDARY = "----referral-hub-empty-form"
EMPTY_MULTIPART = f"--{BOUNDARY}--\r\n".encode()


def post(
    base: str, path: str, body: bytes, content_type: str, token: str = ""
) -> tuple[http.client.HTTPResponse, bytes]:
    where = urlsplit(base)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
    if token:
        headers["Authorization"] = f"Token {token}"
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response, content


def test_an_empty_multipart_upload_is_a_json_400_with_a_code(live_server_module):
    base = live_server_module.url
    token = token_for(base, "educator")  # a provider: may upload portfolio documents
    response, content = post(
        base,
        "/api/v1/endorsement/documents/",
        EMPTY_MULTIPART,
        f"multipart/form-data; boundary={BOUNDARY}",
        token=token,
    )
    assert response.status == 400
    assert response.getheader("Content-Type", "").startswith("application/json")
    body = json.loads(content)
    assert body["code"] == "invalid" and "file" in body["detail"]
    assert body["errors"]["file"], body


def test_the_application_answers_an_empty_form_whoever_sends_it(live_server_module):
    """Anonymous too: the refusal is the API's own (403 JSON), from Django."""
    response, content = post(
        live_server_module.url,
        "/api/v1/endorsement/documents/",
        EMPTY_MULTIPART,
        f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status == 403
    assert response.getheader("Content-Type", "").startswith("application/json")
    assert json.loads(content)["code"] == "not_authenticated"
