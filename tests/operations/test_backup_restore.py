"""Back up and restore, as docs/operations.md says: pg_dump a database with real audit
rows, pg_restore it into a brand-new database, and the audit chain verifies there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.services


def _with_db(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def _manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_DEBUG"}}
    env.update(DATABASE_URL=database_url, DB_CONN_MAX_AGE="0")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture
def scratch_databases(postgres_url, demo_databases):
    """A fresh copy of the migrated, demo-seeded database (source) and an empty one
    (restored) on the PostgreSQL server, dropped after."""
    source = demo_databases.copy(postgres_url)
    name = f"rh_backup_restored_{uuid.uuid4().hex[:8]}"
    admin = _with_db(postgres_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield [source.env["DATABASE_URL"], _with_db(postgres_url, name)]
    source.drop()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_pg_dump_restored_into_a_new_database_passes_verify_audit(scratch_databases, tmp_path):
    assert shutil.which("pg_dump") and shutil.which("pg_restore"), "install postgresql-client"
    source, restored = scratch_databases
    with psycopg.connect(source) as conn:
        audit_rows = conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0]
    assert audit_rows > 0, "the demo world writes audit rows"

    dump = tmp_path / "referral_hub.dump"
    subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), source], check=True, timeout=300)
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored, str(dump)],
        check=True,
        timeout=300,
    )

    verified = _manage(restored, "verify_audit")
    assert verified.returncode == 0, verified.stderr
    assert f"audit chain intact: {audit_rows} rows verified" in verified.stdout
