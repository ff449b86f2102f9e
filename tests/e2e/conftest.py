"""Real servers and a real browser.

``live_server_factory`` starts daphne processes (``referral_hub.asgi``) on free ports
against a fresh database loaded with ``seed_demo``: a SQLite file by default, a fresh
PostgreSQL database when ``DATABASE_URL`` is set. Several processes share that database
and, when ``REDIS_URL`` is set (or ``redis=True``), Redis.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.databases import SERVER_SETTINGS, Copy, DemoDatabases, base_env

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# How long a step may wait for the page (navigation, a locator, an expectation). The
# suite runs two workers on two cores, each with its own servers and browser: a page
# that answers in 100 ms alone can take seconds when both are busy.
STEP_TIMEOUT_MS = 30_000
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"daphne exited early with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"daphne on port {port} did not start in {timeout}s")


@dataclass
class ServerGroup:
    env: dict[str, str]
    tmpdir: Path
    procs: list[tuple[subprocess.Popen, int]] = field(default_factory=list)
    database: Copy | None = None
    # pytest-django's ``django_db_blocker``: ``read`` unblocks it for its own connection.
    blocker: Any = None

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for _, port in self.procs]

    @property
    def url(self) -> str:
        return self.urls[0]

    def start_process(self, port: int | None = None) -> str:
        port = port or free_port()
        log = open(self.tmpdir / f"daphne-{port}.log", "ab")  # noqa: SIM115
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "referral_hub.asgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait_http(port, proc)
        self.procs.append((proc, port))
        return f"http://127.0.0.1:{port}"

    def kill(self, index: int, sig: int = signal.SIGKILL) -> None:
        proc, _ = self.procs[index]
        proc.send_signal(sig)
        proc.wait(timeout=10)

    def restart(self, index: int) -> str:
        _, port = self.procs[index]
        self.procs.pop(index)
        url = self.start_process(port)
        self.procs.insert(index, self.procs.pop())
        return url

    def manage(self, *args: str) -> str:
        out = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if out.returncode:
            # The command's own error, so a failure in CI explains itself.
            raise RuntimeError(f"manage.py {args[0]} failed ({out.returncode}):\n{out.stderr[-3000:]}")
        return out.stdout

    def read(self, query: Callable[[str], T]) -> T:
        """``query(alias)`` in this process, against the group's own database: what the
        servers stored, read through the ORM (``Model.objects.using(alias)``) instead of
        a ``manage.py shell`` subprocess (each one imports Django again: seconds of CPU).
        It runs in a thread of its own, on a connection closed after each read: sync
        Playwright keeps an event loop running in the test's thread, where Django refuses
        database calls."""
        from django.db import connections

        alias = self._alias()
        if alias not in connections.settings:
            connections.settings[alias] = connections.configure_settings(
                {"default": _database_settings(self.env)}
            )["default"]

        def run() -> T:
            try:
                return query(alias)
            finally:
                connections[alias].close()

        with self.blocker.unblock(), ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(run).result()

    def _alias(self) -> str:
        return f"e2e_server_{id(self)}"

    def stop(self) -> None:
        """The servers are thrown away with their copy of the database: killed, all at
        once, not asked to finish (daphne's orderly exit took 3.3-3.9 s a process at
        load 7-9, one process after the other). Nothing is checked after it: a test
        that needs a server's exit or restart does it itself (``kill``, ``restart``)."""
        from django.db import connections

        connections.settings.pop(self._alias(), None)
        for proc, _ in self.procs:
            if proc.poll() is None:
                proc.kill()
        for proc, _ in self.procs:
            proc.wait(timeout=10)
        self.procs.clear()


def _database_settings(env: dict[str, str]) -> dict[str, Any]:
    """The ``DATABASES`` entry a server started with ``env`` uses (as in the settings)."""
    from django.conf import settings

    if env.get("DATABASE_URL"):
        import dj_database_url

        return dj_database_url.parse(env["DATABASE_URL"], conn_max_age=0)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env["SQLITE_PATH"],
        "OPTIONS": dict(settings.SQLITE_OPTIONS),
    }


@pytest.fixture(scope="session")
def demo_template(demo_databases):
    """``get() -> template`` for the backend ``DATABASE_URL`` names at call time (tests
    may point a group at PostgreSQL with monkeypatch); see ``tests/databases.py``."""
    return lambda: demo_databases.template(os.environ.get("DATABASE_URL", ""))


def _server_env(tmpdir: Path, demo_databases: DemoDatabases, *, redis: bool) -> tuple[dict[str, str], Copy]:
    env = {**base_env(), "DJANGO_SETTINGS_MODULE": SERVER_SETTINGS}
    copy = demo_databases.copy(os.environ.get("DATABASE_URL", ""), folder=tmpdir)
    env.update(copy.env)
    redis_url = os.environ.get("REDIS_URL")
    if redis or redis_url:
        from tests.conftest import DEFAULT_REDIS, require_service

        url = require_service(redis_url or DEFAULT_REDIS, "Redis")
        # A database number of its own keeps parallel runs' groups apart.
        env["REDIS_URL"] = url.rsplit("/", 1)[0] + "/" + os.environ.get("E2E_REDIS_DB", "5")
        _fresh_redis(env["REDIS_URL"])
    return env, copy


# Server groups of this process alive now (a module's server and a test's own may overlap).
_LIVE_GROUPS: set[int] = set()


def _fresh_redis(url: str) -> None:
    """A group starts on a fresh copy of the demo database, and so on an empty cache: the
    cache outlives the servers (throttle counters last an hour, lockouts longer), so
    without this the eleventh "Report a problem" of the hour, across runs, is refused.
    Never while another group of this process is using the same Redis database."""
    if _LIVE_GROUPS:
        return
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


@pytest.fixture
def live_server_factory(demo_databases, django_db_blocker):
    """``start(processes=1, redis=False) -> ServerGroup`` with demo data loaded."""
    groups: list[ServerGroup] = []

    def start(processes: int = 1, redis: bool = False) -> ServerGroup:
        tmpdir = Path(tempfile.mkdtemp(prefix="rh-e2e-"))
        env, database = _server_env(tmpdir, demo_databases, redis=redis)
        group = ServerGroup(env=env, tmpdir=tmpdir, database=database, blocker=django_db_blocker)
        groups.append(group)
        _LIVE_GROUPS.add(id(group))
        for _ in range(processes):
            group.start_process()
        return group

    yield start
    for group in groups:
        group.stop()
        _LIVE_GROUPS.discard(id(group))
        if group.database:
            group.database.drop()
        shutil.rmtree(group.tmpdir, ignore_errors=True)


@pytest.fixture(scope="module")
def live_server_module(demo_databases, django_db_blocker):
    """One demo server shared by a module's read-mostly browser tests."""
    tmpdir = Path(tempfile.mkdtemp(prefix="rh-e2e-"))
    env, database = _server_env(tmpdir, demo_databases, redis=False)
    group = ServerGroup(env=env, tmpdir=tmpdir, database=database, blocker=django_db_blocker)
    _LIVE_GROUPS.add(id(group))
    group.start_process()
    yield group
    group.stop()
    _LIVE_GROUPS.discard(id(group))
    database.drop()
    shutil.rmtree(tmpdir, ignore_errors=True)


class _Chromium:
    """One Playwright driver and one Chromium for a process's run of browser modules.

    Starting the driver (a Node process) and Chromium costs about 3.5 s (load 11); each
    browser module started its own. Every test still works in contexts of its own (own
    cookies, storage and cache), and each module's leftovers are closed when it ends.
    The sync API keeps an event loop running in this thread while the driver is open,
    which would break asyncio-based tests: the suite runs the browser modules first
    (``_run_order`` in tests/conftest.py), and the driver is stopped as soon as the
    next test is not a browser test (``pytest_runtest_teardown`` below)."""

    playwright: Any = None
    browser: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls.browser is not None and not cls.browser.is_connected():
            cls.close()
        if cls.browser is None:
            from playwright.sync_api import sync_playwright

            cls.playwright = sync_playwright().start()
            cls.browser = cls.playwright.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
        return cls.browser

    @classmethod
    def close(cls) -> None:
        try:
            if cls.browser is not None and cls.browser.is_connected():
                cls.browser.close()
        finally:
            if cls.playwright is not None:
                cls.playwright.stop()
            cls.browser = cls.playwright = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if nextitem is None or nextitem.get_closest_marker("e2e") is None:
        _Chromium.close()


@pytest.fixture(scope="module")
def browser():
    """The process's Chromium (``_Chromium``); the module's contexts closed after it."""
    if not Path(CHROMIUM).exists():
        message = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import expect

    expect.set_options(timeout=STEP_TIMEOUT_MS)
    b = _Chromium.get()
    yield b
    if b.is_connected():
        for context in list(b.contexts):
            context.close()


@pytest.fixture
def new_page(browser):
    """``new_page() -> Page`` in its own context (own cookies); all closed afterwards."""
    contexts = []

    def make():
        context = browser.new_context()
        context.set_default_timeout(STEP_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def login(page, base_url: str, username: str, password: str = "demo-pass-2026") -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mail").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
