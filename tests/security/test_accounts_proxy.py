"""Finding 8: the lockout and the throttles must count the real client, not whatever
``X-Forwarded-For`` a client sends. ``TRUSTED_PROXY_COUNT`` says how many proxies to
believe (default 0: none)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.security.conftest import dockerfile_command, post_json

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
PROXY = "10.0.0.1"  # the TCP peer when a proxy is in front


@pytest.fixture
def alice():
    return User.objects.create_user("alice", password="correct-horse-battery")


def wrong_password(api_client, **headers):
    return api_client.post(TOKEN_URL, {"username": "alice", "password": "wrong"}, **headers)


def right_password(api_client, **headers):
    return api_client.post(TOKEN_URL, {"username": "alice", "password": "correct-horse-battery"}, **headers)


def test_the_image_does_not_let_daphne_believe_forwarded_headers():
    # daphne --proxy-headers takes the LEFT-most X-Forwarded-For: the client's own choice.
    assert "--proxy-headers" not in dockerfile_command()


def test_a_new_forwarded_address_per_attempt_does_not_escape_the_lockout(api_client, alice):
    for n in range(5):
        wrong_password(api_client, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    locked = right_password(api_client, HTTP_X_FORWARDED_FOR="198.51.100.99, 127.0.0.1")
    assert (locked.status_code, locked.json()["code"]) == (403, "locked_out")


def test_a_new_forwarded_address_per_request_does_not_escape_the_api_throttle(api_client):
    # The anonymous rate is 120/min: the 121st request from one client is refused,
    # whatever X-Forwarded-For each request carries.
    codes = [
        api_client.post(TOKEN_URL, {}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n % 250}, 10.{n}.0.1").status_code
        for n in range(121)
    ]
    assert codes[:120] == [400] * 120
    assert codes[120] == 429


def test_behind_one_proxy_the_client_is_the_address_that_proxy_saw(api_client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        wrong_password(api_client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    # The attacker prepends a fresh address: the proxy appended the real one on the right.
    spoofed = right_password(api_client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8, 203.0.113.5")
    assert (spoofed.status_code, spoofed.json()["code"]) == (403, "locked_out")
    # Another family behind the same proxy is not locked out with the attacker.
    other = right_password(api_client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other.status_code == 200 and other.json()["token"]


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(api_client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    for n in range(5):
        wrong_password(
            api_client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7, 10.0.0.2"
        )
    locked = right_password(api_client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.9")
    assert locked.status_code == 403


@pytest.fixture
def production_https(settings):
    """What DJANGO_DEBUG=0 configures for HTTPS."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


def test_without_a_trusted_proxy_a_client_cannot_claim_https(client, production_https):
    response = client.get("/healthz", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_behind_a_trusted_proxy_its_scheme_is_believed(client, production_https):
    production_https.TRUSTED_PROXY_COUNT = 1
    assert client.get("/healthz", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    # A client-supplied value left of the proxy's own is not.
    assert client.get("/healthz", HTTP_X_FORWARDED_PROTO="https, http").status_code == 301


@pytest.mark.services
def test_the_shipped_server_locks_out_whatever_x_forwarded_for_says(production_server):
    answers = [
        post_json(
            production_server + TOKEN_URL,
            {"username": "nobody-in-particular", "password": f"guess-{n}"},
            {"X-Forwarded-For": f"198.51.100.{n}"},
        )[1]["code"]
        for n in range(7)
    ]
    # The fifth failure locks the name from that one client address (the TCP peer).
    assert answers == ["invalid_credentials"] * 4 + ["locked_out"] * 3
