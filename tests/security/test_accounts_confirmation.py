"""Finding 13: a confirmation link activates a new account once and never again (an
administrator's deactivation stands); the development ``SECRET_KEY`` that signs such
links is random per checkout, never a constant in the repository."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core import mail

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
STRONG = "a-long-and-unusual-passphrase-42"


def test_a_confirmation_link_does_not_reactivate_a_deactivated_account(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/register/",
            {
                "first_name": "Rosa",
                "last_name": "Rivera",
                "email": "rosa@example.org",
                "relationship": "mother",
                "password": STRONG,
                "password2": STRONG,
            },
        )
    link = re.search(r"http\S+", mail.outbox[-1].body).group(0).replace("http://127.0.0.1:8000", "")
    assert client.get(link).status_code == 302
    user = User.objects.get(username="rosa@example.org")
    assert user.is_active
    # An administrator deactivates the account; the old link is clicked again.
    user.is_active = False
    user.save()
    again = client.get(link)
    assert again.status_code == 400
    user.refresh_from_db()
    assert not user.is_active
    assert (
        client.post("/accounts/login/", {"username": "rosa@example.org", "password": STRONG}).status_code
        == 200
    )


def _debug_key(key_file: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_DEBUG", "DATABASE_URL"}}
    env.update(DJANGO_DEBUG="1", SECRET_KEY_FILE=str(key_file))
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "referral_hub.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_the_debug_secret_key_is_made_once_per_checkout(tmp_path):
    (tmp_path / "a").mkdir()
    first = _debug_key(tmp_path / "a" / ".secret_key")
    assert len(first) >= 50
    assert _debug_key(tmp_path / "a" / ".secret_key") == first, "stable across starts"
    assert oct((tmp_path / "a" / ".secret_key").stat().st_mode & 0o777) == "0o600"
    (tmp_path / "b").mkdir()
    assert _debug_key(tmp_path / "b" / ".secret_key") != first, "another checkout, another key"


def test_no_secret_key_is_committed():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert ".secret_key" not in tracked.split()
    assert ".secret_key" in (ROOT / ".gitignore").read_text().split()
    settings_source = (ROOT / "referral_hub" / "settings.py").read_text()
    assert not re.search(r"SECRET\w*\s*=\s*[\"'][^\"']{20,}[\"']", settings_source)
