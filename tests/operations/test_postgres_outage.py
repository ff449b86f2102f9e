"""Finding 10e (issue 23): while PostgreSQL is down the app answers 503
``database_unavailable`` (JSON with ``Retry-After`` under /api/, a plain "try again"
page for people), never a 500, and it serves again once the server is back.

A real PostgreSQL server is stopped and started: a throwaway cluster of the installed
PostgreSQL (initdb on a free port, owned by this test), so the shared server other
tests and sessions use is never touched; whatever happens, the cluster is stopped and
removed at the end. The app runs as the shipped production server (daphne, debug off; its pages need the
collected static files, so pages are only asked for during the outage, when the answer
is the plain page)."""

from __future__ import annotations

import glob
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.databases import base_env, manage
from tests.security.conftest import ProductionServer

pytestmark = [pytest.mark.services]


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        pytest.fail(f"PostgreSQL's {name} is not installed")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """A PostgreSQL cluster in a temporary folder, run as the ``postgres`` system user
    when this test runs as root (PostgreSQL refuses to run as root)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="rh-pg-outage-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/referral_hub"
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.folder, "postgres")

    def _run(self, *args: str) -> None:
        out = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=120)
        if out.returncode:
            raise RuntimeError(f"{args[0]} failed: {out.stdout[-1500:]} {out.stderr[-1500:]}")

    def init(self) -> None:
        self._run(_pg_bin("initdb"), "-D", str(self.data), "--auth=trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            _pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop("immediate")
            except RuntimeError:
                pass  # already down: clean-up only, the folder goes next either way
        shutil.rmtree(self.folder, ignore_errors=True)


def _get(
    base: str, path: str, method: str = "GET", body: dict | None = None, cookie: str = ""
) -> tuple[int, dict, str]:
    port = int(base.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json", **({"Cookie": cookie} if cookie else {})}
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


@pytest.fixture
def cluster():
    cluster = Cluster()
    try:
        cluster.init()
        cluster.start()
        import psycopg

        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE referral_hub")
        yield cluster
    finally:
        cluster.remove()


def test_a_postgresql_outage_is_a_503_to_retry_and_the_app_recovers(cluster, tmp_path):
    manage(
        {**base_env(), "DATABASE_URL": cluster.url, "DB_CONN_MAX_AGE": "0"}, "migrate", "--noinput", "-v", "0"
    )
    server = ProductionServer(tmp_path)
    server.env["DATABASE_URL"] = cluster.url
    try:
        base = server.start()
        assert _get(base, "/api/v1/providers/")[0] == 200

        cluster.stop()
        status, headers, body = _get(base, "/api/v1/providers/")
        assert (status, json.loads(body)["code"]) == (503, "database_unavailable"), body[:300]
        assert headers["Retry-After"] == "5"
        status, _, body = _get(base, "/api/v1/auth/token/", "POST", {"username": "a", "password": "b"})
        assert (status, json.loads(body)["code"]) == (503, "database_unavailable"), body[:300]
        status, headers, body = _get(base, "/")
        assert status == 503 and headers["Content-Type"].startswith("text/html"), body[:300]
        assert "Please try again in a minute." in body
        # A session cookie: the session is read in a middleware, before any view.
        for path in ("/api/v1/me/", "/portal/"):
            status, headers, body = _get(base, path, cookie="sessionid=abcdefghijklmnopqrstuvwxyz012345")
            assert (status, headers["Retry-After"]) == (503, "5"), (path, body[:300])

        cluster.start()
        deadline = time.monotonic() + 30
        while (status := _get(base, "/api/v1/providers/")[0]) != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert status == 200, "serves again once PostgreSQL is back"
    finally:
        server.stop()
