"""On PostgreSQL the database itself refuses to change history: consent events and
audit rows cannot be updated or deleted, and a consent row may change only by being
revoked, once. Runs against a fresh copy of the migrated, demo-seeded database (so it
runs whatever the suite's default database); skipped without PostgreSQL locally, failing under CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.services
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def migrated_pg(postgres_url, demo_databases):
    """A fresh copy of the migrated, demo-seeded PostgreSQL database."""
    import psycopg

    database = demo_databases.copy(postgres_url)
    url = database.env["DATABASE_URL"]
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DATABASE_URL=url, DJANGO_DEBUG="1")
    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            # One audit row to tamper with, written the normal way.
            subprocess.run(
                [sys.executable, "manage.py", "export_audit", "--output", os.devnull],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
            yield conn
    finally:
        database.drop()


def refused(conn, sql: str, params=()) -> bool:
    import psycopg

    try:
        conn.execute(sql, params)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


def test_consent_history_cannot_be_altered(migrated_pg):
    assert migrated_pg.execute("SELECT count(*) FROM consent_consentevent").fetchone()[0] > 0
    assert refused(migrated_pg, "UPDATE consent_consentevent SET kind = 'granted'")
    assert refused(migrated_pg, "DELETE FROM consent_consentevent")


def test_audit_rows_cannot_be_altered(migrated_pg):
    assert migrated_pg.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] > 0
    assert refused(migrated_pg, "UPDATE audit_auditevent SET detail = 'nothing to see'")
    assert refused(migrated_pg, "DELETE FROM audit_auditevent")


def test_a_consent_changes_only_by_being_revoked_once(migrated_pg):
    active_id = migrated_pg.execute(
        "SELECT id FROM consent_consent WHERE revoked_at IS NULL AND expires_on >= now()::date LIMIT 1"
    ).fetchone()[0]
    assert refused(
        migrated_pg, "UPDATE consent_consent SET expires_on = expires_on + 30 WHERE id = %s", [active_id]
    )
    assert refused(migrated_pg, "DELETE FROM consent_consent WHERE id = %s", [active_id])
    migrated_pg.execute(
        "UPDATE consent_consent SET revoked_at = now(), revoke_reason = 'test' WHERE id = %s", [active_id]
    )
    assert refused(
        migrated_pg, "UPDATE consent_consent SET revoke_reason = 'edited' WHERE id = %s", [active_id]
    )
