"""Finding 10: sign-up and invitations say nothing about who has an account, neither in
what they answer nor in how long they take; sign-ups are throttled."""

from __future__ import annotations

import re
import statistics
import time

import pytest
from django.contrib.auth.models import User
from django.core import mail

from tests.factories.directory import ProviderFactory

pytestmark = pytest.mark.django_db

STRONG = "a-long-and-unusual-passphrase-42"
KNOWN = "known@example.org"


def unmasked(page: str) -> str:
    """The page with its form tokens blanked: every page carries the language switcher's
    form, whose CSRF token Django masks anew on each response (by design)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', page)


def register(client, email: str, **extra: str):
    return client.post(
        "/accounts/register/",
        {
            "first_name": "Rosa",
            "last_name": "Rivera",
            "email": email,
            "relationship": "mother",
            "password": STRONG,
            "password2": STRONG,
        },
        **extra,
    )


@pytest.fixture
def known(db):
    return User.objects.create_user(KNOWN, email=KNOWN, password="another-long-passphrase-77")


@pytest.fixture
def real_hashing(settings):
    """Production's password hasher: the work a sign-up costs is the point here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    settings.REGISTRATION_RATE = "off"


def test_registering_a_known_or_new_address_gives_the_same_page(client, known, settings):
    settings.REGISTRATION_RATE = "off"
    new, taken = register(client, "new@example.org"), register(client, KNOWN)
    assert new.status_code == taken.status_code == 200
    assert unmasked(new.content.decode().replace("new@example.org", "@")) == unmasked(
        taken.content.decode().replace(KNOWN, "@")
    )


@pytest.mark.serial  # compares timings: another test on the other core would skew one side
def test_registering_takes_as_long_for_a_known_address_as_for_a_new_one(client, known, real_hashing):
    def seconds(email: str) -> float:
        start = time.perf_counter()
        register(client, email)
        return time.perf_counter() - start

    # Interleaved, so a busy machine slows both alike.
    pairs = [(seconds(f"new{n}@example.org"), seconds(KNOWN)) for n in range(7)]
    new = statistics.median(p[0] for p in pairs)
    taken = statistics.median(p[1] for p in pairs)
    # Before: ~11 ms for a known address against ~225 ms for a new one (one hash).
    assert 0.5 < taken / new < 2.0, pairs


def test_the_known_address_is_told_by_e_mail_not_on_the_page(
    client, known, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, KNOWN)
    assert [m.to for m in mail.outbox] == [[KNOWN]]
    assert "already have an account" in mail.outbox[0].body


def test_an_invitation_to_a_known_address_does_not_say_so(
    api_client, client, known, django_capture_on_commit_callbacks
):
    provider = ProviderFactory()
    api_client.force_authenticate(provider.user)

    def invite(email: str):
        response = api_client.post(
            "/api/v1/invitations/",
            {
                "guardian_email": email,
                "child_first_name": "Mia",
                "child_last_name": "Lopez",
                "child_date_of_birth": "2025-03-01",
            },
        )
        assert response.status_code == 201
        return response.json()["invitation_url"].replace("http://127.0.0.1:8000", "")

    link = invite(KNOWN)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            link, {"first_name": "Ana", "last_name": "Lopez", "password": STRONG, "password2": STRONG}
        )
    page = answer.content.decode()
    assert "already" not in page
    # The same answer as any used or expired link...
    dead = client.get("/invitations/no-such-token/")
    assert answer.status_code == dead.status_code == 404
    # (The language switcher links back to the address asked for: the only difference.)
    assert unmasked(page.replace(link.split("?")[0], "/invitations/no-such-token/")) == unmasked(
        dead.content.decode()
    )
    # ...and the address's owner hears about it by e-mail; nothing was created.
    assert "already have an account" in mail.outbox[-1].body and mail.outbox[-1].to == [KNOWN]
    assert User.objects.filter(username=KNOWN).count() == 1


def test_sign_ups_are_throttled_per_client_address(client, settings):
    settings.REGISTRATION_RATE = "3/hour"
    answers = [register(client, f"flood{n}@example.org").status_code for n in range(4)]
    assert answers == [200, 200, 200, 429]
    assert register(client, "other@example.org", REMOTE_ADDR="192.0.2.44").status_code == 200
    assert User.objects.filter(username__startswith="flood").count() == 3
