"""Finding 10f (issue 23): with ``REDIS_URL`` set, ``celery worker --beat`` keeps its
embedded beat even when the (git-ignored) Celery folder does not exist yet, so the beat
schedule runs and the outbox is swept. Real processes: a throwaway redis-server, the
worker with its embedded beat on a copy of the demo database, and a real SMTP server
(aiosmtpd). A pending e-mail is written straight into the outbox table (no "deliver now"
kick), so only the beat's sweep can send it."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.databases import ROOT, base_env
from tests.mailserver import SmtpServer, free_port, subject_of, wait_for_mail

pytestmark = [pytest.mark.services]


@pytest.fixture
def own_redis():
    """A throwaway redis-server on a free port (the shared one is left alone)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.kill()
        proc.wait(timeout=5)


def _queue_pending_mail(sqlite_path: str) -> None:
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    with sqlite3.connect(sqlite_path) as db:
        db.execute(
            "INSERT INTO outbox_outboxmessage (key, channel, to_address, language, kind, subject, body,"
            " one_time_link, payload, status, attempts, next_attempt_at, last_error, created_at)"
            " VALUES ('beat:test', 'email', 'family@example.test', 'en', 'test', 'Swept by beat', 'Hello',"
            " 0, '{}', 'pending', 0, ?, '', ?)",
            (now, now),
        )


def test_worker_with_embedded_beat_sweeps_the_outbox_without_the_celery_folder(
    own_redis, demo_databases, tmp_path
):
    copy = demo_databases.copy("", folder=tmp_path)
    _queue_pending_mail(copy.env["SQLITE_PATH"])
    smtp = SmtpServer(free_port())
    smtp.up()
    celery_dir = tmp_path / "not-created-yet" / ".celery"
    env = {
        **base_env(),
        **copy.env,
        "REDIS_URL": own_redis,
        "CELERY_QUEUE_DIR": str(celery_dir),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
    }
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "referral_hub",
                "worker",
                "--beat",
                "--concurrency=1",
                "--loglevel=INFO",
                "--hostname",
                f"beat-test-{free_port()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        try:
            messages = wait_for_mail(smtp, 1, timeout=90)
        except AssertionError:
            pytest.fail("the beat never swept the outbox:\n" + Path(log_path).read_text()[-3000:])
        assert [subject_of(m) for m in messages] == ["Swept by beat"]
        assert (celery_dir / "beat-schedule").parent.is_dir()
        with sqlite3.connect(copy.env["SQLITE_PATH"]) as db:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                (status,) = db.execute(
                    "SELECT status FROM outbox_outboxmessage WHERE key = 'beat:test'"
                ).fetchone()
                if status == "sent":
                    break
                time.sleep(0.5)
        assert status == "sent"
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
        smtp.down()
