"""Demo databases for tests that need a real, committed database outside the test's own
transaction: browser servers, production-configured servers, PostgreSQL's own refusals,
backup and restore.

Migrating and seeding costs tens of seconds (more on PostgreSQL), so it happens once per
test run and backend, whatever the number of parallel workers: ``template(url)`` migrates and seeds one template (a SQLite
file, or a PostgreSQL database), and ``copy(url)`` gives each user a fresh copy of it (a
file copy, or ``CREATE DATABASE ... TEMPLATE``) in milliseconds.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]


def admin_dsn(database_url: str) -> str:
    """The maintenance database of the server ``database_url`` points at."""
    parsed = urlparse(database_url)
    return urlunparse(parsed._replace(path="/postgres", scheme="postgresql"))


def with_database(database_url: str, name: str) -> str:
    return urlunparse(urlparse(database_url)._replace(path=f"/{name}"))


def pg_execute(database_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_dsn(database_url), autocommit=True) as conn:
        conn.execute(sql)


def drop_pg_database(database_url: str, name: str) -> None:
    pg_execute(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def base_env() -> dict[str, str]:
    """A debug deployment's environment for subprocesses, with no database or Redis set."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_DEBUG="1",
        API_THROTTLE_ANON="off",
        API_THROTTLE_USER="off",
        PYTHONUNBUFFERED="1",
        SITE_URL="http://127.0.0.1",
    )
    return env


# The servers' and templates' settings: the app's own, passwords hashed at a test's cost.
SERVER_SETTINGS = "tests.e2e.server_settings"


def manage(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        # The command's own error, so a failure in CI explains itself.
        raise RuntimeError(f"manage.py {args[0]} failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return out.stdout


@dataclass
class Copy:
    """A fresh demo database: ``DATABASE_URL`` for PostgreSQL, ``SQLITE_PATH`` otherwise."""

    env: dict[str, str]
    pg_name: str | None = None
    pg_url: str | None = None

    def drop(self) -> None:
        if self.pg_name and self.pg_url:
            drop_pg_database(self.pg_url, self.pg_name)


class DemoDatabases:
    """One migrated and seeded template per backend, copied per use (see module doc).

    The templates belong to one test run (``RH_TEST_RUN``, set by the process that starts
    the run, inherited by its pytest-xdist workers): the first worker to need one builds it
    under a file lock, the others wait and use it, and the run's last step drops them all
    (``drop_run``)."""

    def __init__(self, run: str) -> None:
        self.run = run
        self.folder = run_folder(run)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.templates: dict[str, dict[str, str]] = {}

    def template(self, database_url: str = "") -> dict[str, str]:
        """``{"sqlite": path}`` or ``{"postgres": name, "url": database_url}``."""
        if database_url in self.templates:
            return self.templates[database_url]
        key = hashlib.sha256(database_url.encode()).hexdigest()[:8]
        record = self.folder / f"template-{key}.json"
        with open(self.folder / f"template-{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not record.exists():
                record.write_text(json.dumps(self._build(database_url, key)))
        self.templates[database_url] = json.loads(record.read_text())
        return self.templates[database_url]

    def _build(self, database_url: str, key: str) -> dict[str, str]:
        env = {**base_env(), "DJANGO_SETTINGS_MODULE": SERVER_SETTINGS}
        if database_url:
            name = f"rh_tpl_{self.run}_{key}"
            # A copy of the run's migrated database (no migration reads the settings
            # the demo's differ in, the password hashers), seeded.
            self.clone(database_url, self.migrated(database_url), name)
            env["DATABASE_URL"] = with_database(database_url, name)
            env["DB_CONN_MAX_AGE"] = "0"
            template = {"postgres": name, "url": database_url}
        else:
            env["SQLITE_PATH"] = str(self.folder / f"template-{key}.sqlite3")
            template = {"sqlite": env["SQLITE_PATH"]}
            # A copy of the run's migrated file, seeded (as for PostgreSQL above).
            shutil.copyfile(self.migrated_sqlite(), env["SQLITE_PATH"])
        manage(env, "seed_demo")
        return template

    def migrated(self, database_url: str) -> str:
        """A PostgreSQL database migrated once per test run, as pytest-django would migrate
        a test database (``migrate --run-syncdb`` on the tests' own settings), built by the
        first worker to need it under the run's file lock: each worker's test database is
        copied from it (``clone``) instead of migrated again (13.8 s of CPU a migration)."""
        key = hashlib.sha256(database_url.encode()).hexdigest()[:8]
        record = self.folder / f"template-migrated-{key}.json"
        with open(self.folder / f"template-migrated-{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not record.exists():
                name = f"rh_mig_{self.run}_{key}"
                pg_execute(database_url, f'DROP DATABASE IF EXISTS "{name}"')
                pg_execute(database_url, f'CREATE DATABASE "{name}"')
                env = {
                    **os.environ,
                    "DATABASE_URL": with_database(database_url, name),
                    "DB_CONN_MAX_AGE": "0",
                }
                manage(env, "migrate", "--noinput", "--run-syncdb", "-v", "0")
                record.write_text(json.dumps({"postgres": name, "url": database_url}))
        return str(json.loads(record.read_text())["postgres"])

    def migrated_sqlite(self) -> str:
        """A SQLite file migrated once per test run, as pytest-django migrates a test
        database (``migrate --run-syncdb`` on the tests' own settings), built by the first
        process to need it under the run's file lock: each worker's in-memory test
        database and the SQLite demo template are loaded from it instead of migrated
        again (about 20 s of CPU a migration)."""
        path = self.folder / "template-migrated.sqlite3"
        with open(self.folder / "template-migrated-sqlite.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists():
                building = self.folder / "template-migrated.building.sqlite3"
                building.unlink(missing_ok=True)
                env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
                env["SQLITE_PATH"] = str(building)
                manage(env, "migrate", "--noinput", "--run-syncdb", "-v", "0")
                # One self-contained file (the WAL folded in), written whole or not at all.
                whole = self.folder / "template-migrated.whole.sqlite3"
                whole.unlink(missing_ok=True)
                with closing(sqlite3.connect(building)) as source:
                    source.execute("VACUUM INTO ?", (str(whole),))
                whole.rename(path)
                for leftover in self.folder.glob("template-migrated.building.sqlite3*"):
                    leftover.unlink()
        return str(path)

    def clone(self, database_url: str, template: str, name: str) -> None:
        """``name``, dropped if left over (as Django drops a stale test database), made a
        copy of ``template`` (no connection is ever open on a template)."""
        drop_pg_database(database_url, name)
        pg_execute(database_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def copy(self, database_url: str = "", folder: Path | None = None) -> Copy:
        """A fresh copy of the demo template for ``database_url`` (SQLite when empty)."""
        template = self.template(database_url)
        if "postgres" in template:
            name = f"rh_demo_{uuid.uuid4().hex[:10]}"
            pg_execute(database_url, f'CREATE DATABASE "{name}" TEMPLATE "{template["postgres"]}"')
            return Copy(
                env={"DATABASE_URL": with_database(database_url, name)}, pg_name=name, pg_url=database_url
            )
        path = (folder or Path(tempfile.mkdtemp(dir=self.folder))) / "demo.sqlite3"
        shutil.copyfile(template["sqlite"], path)
        return Copy(env={"SQLITE_PATH": str(path)})


def run_folder(run: str) -> Path:
    return Path(tempfile.gettempdir()) / f"rh-demo-db-{run}"


def drop_run(run: str) -> None:
    """Drop the run's PostgreSQL templates and remove its folder (the run's last step)."""
    folder = run_folder(run)
    for record in folder.glob("template-*.json"):
        template = json.loads(record.read_text())
        if "postgres" in template:
            drop_pg_database(template["url"], template["postgres"])
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    # ``python -m tests.databases drop RUN``: the last step of a run named from outside
    # pytest (``make pytest``), whose pytest processes keep the templates for each other.
    if sys.argv[1:2] == ["drop"] and len(sys.argv) == 3:
        drop_run(sys.argv[2])
    else:
        sys.exit("usage: python -m tests.databases drop RUN")
