"""Fixtures for the security stories: production-like settings and real servers."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.factories.referrals import referral_world

ROOT = Path(__file__).resolve().parents[2]
PROD_SECRET = "x7!k2v9q-production-like-secret-key-with-plenty-of-entropy-4f8a1c"


@pytest.fixture
def world(db):
    return referral_world()


def _request(method: str, url: str, body: dict | None, headers: dict[str, str]) -> tuple[int, Any]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        connection.request(
            method, parts.path, body=payload, headers={"Content-Type": "application/json", **headers}
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def post_json(url: str, body: dict, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """POST JSON to a real server: ``(status, decoded body)``."""
    return _request("POST", url, body, headers or {})


def get_json(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    return _request("GET", url, None, headers or {})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dockerfile_command() -> list[str]:
    """The web server command the image runs (the Dockerfile's ``CMD``)."""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("CMD "):
            return json.loads(line[4:])
    raise AssertionError("Dockerfile has no CMD")


class ProductionServer:
    """The shipped daphne command, with ``DJANGO_DEBUG=0``, on a SQLite database that
    was seeded with the demo data earlier (in debug mode), as in the reported attack."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.port = _free_port()
        base = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG", "SECRET_KEY", "TRUSTED_PROXY_COUNT"}
        }
        self.env = {**base, "SQLITE_PATH": str(tmp / "db.sqlite3"), "SECRET_KEY": PROD_SECRET}
        self.proc: subprocess.Popen | None = None

    def start(self) -> str:
        command = dockerfile_command()
        assert command[0] == "daphne"
        args = [a for a in command[1:]]
        args[args.index("-b") + 1] = "127.0.0.1"
        args[args.index("-p") + 1] = str(self.port)
        env = {
            **self.env,
            "DJANGO_DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "AUDIT_SEAL_KEY": "test-seal-key-not-secret-0123456789abcdef",
        }
        log = open(self.tmp / "daphne.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "daphne", *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError((self.tmp / "daphne.log").read_text()[-3000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return f"http://127.0.0.1:{self.port}"
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("daphne did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="module")
def production_server(tmp_path_factory, demo_databases):
    """A production-configured server on a database seeded with demo data earlier (a
    copy of the migrated, demo-seeded SQLite template, made in debug mode)."""
    server = ProductionServer(tmp_path_factory.mktemp("prod"))
    shutil.copyfile(demo_databases.template("")["sqlite"], server.env["SQLITE_PATH"])
    url = server.start()
    yield url
    server.stop()
