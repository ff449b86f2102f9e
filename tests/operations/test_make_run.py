"""`make run` says where to go as the last line of its start-up (issue 25): the URL is
printed once the web server answers and the Celery worker with its beat has started,
and nothing (no Celery banner or start-up log) follows it. Real processes: scripts/run.py
with daphne and the worker on a copy of the demo database."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time

import pytest

from tests.databases import ROOT, base_env
from tests.mailserver import free_port

pytestmark = [pytest.mark.services]


def _lines_until(proc: subprocess.Popen[str], deadline: float, stop_at: str | None = None) -> list[str]:
    """The lines ``proc`` prints until ``deadline`` (or through the first containing ``stop_at``)."""
    assert proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    lines: list[str] = []
    while (left := deadline - time.monotonic()) > 0:
        if not selector.select(timeout=left):
            continue
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if stop_at is not None and stop_at in line:
            break
    return lines


def test_the_ready_line_is_the_last_line_of_start_up(demo_databases, tmp_path):
    copy = demo_databases.copy("", folder=tmp_path)
    port = free_port()
    env = {
        **base_env(),
        **copy.env,
        "RUN_PORT": str(port),
        "CELERY_QUEUE_DIR": str(tmp_path / ".celery"),
        "DJANGO_SETTINGS_MODULE": "referral_hub.settings",
    }
    proc = subprocess.Popen(
        [sys.executable, "scripts/run.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        before = _lines_until(proc, time.monotonic() + 120, stop_at="is ready")
        assert before and f"http://127.0.0.1:{port}/" in before[-1], before
        after = _lines_until(proc, time.monotonic() + 6)
        assert after == [], "printed after the ready line:\n" + "\n".join(after)
        assert proc.poll() is None  # both processes still running
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
