"""Issue 23, finding 6, on PostgreSQL as the app's least-privilege role: what that role
can still write (INSERT into the access log, INSERT into families_guardian, UPDATE of a
message's text) no longer makes forged history pass ``manage.py verify_audit``.

Reported: a row appended to a child's chain with the app's own ``compute_hash``
verified, showed the guardian "Alex Outsider viewed ..." and the next seal covered it;
a ``families_guardian`` row inserted for a provider folded that provider's reads into
"the family's own visits"; ``UPDATE messaging_message SET body = ...`` left no revision
and ``edited_at`` empty, and ``verify_audit`` said intact each time.

Each test takes a fresh copy of the migrated, demo-seeded PostgreSQL database (so it
runs whatever the suite's default database is), creates the role with the command
deployments run (``create_app_role``), forges as that role, and runs the app's own
commands as it. PostgreSQL is required: skipped locally without it, failing under CI
(``postgres_url``)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.models import AuditEvent
from audit.services import compute_hash
from tests.databases import base_env, manage, pg_execute

pytestmark = pytest.mark.services
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class AppDatabase:
    conn: object  # a psycopg connection as the least-privilege role, autocommit
    role: str
    env: dict[str, str]  # manage.py as the least-privilege role

    def one(self, sql: str, params: list | tuple = ()) -> tuple:
        row = self.conn.execute(sql, params).fetchone()  # type: ignore[attr-defined]
        assert row is not None, sql
        return row

    def insert(self, table: str, values: dict[str, object]) -> None:
        """The table's own columns only (as they are in this schema), no app code."""
        columns = [
            name
            for (name,) in self.conn.execute(  # type: ignore[attr-defined]
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table]
            ).fetchall()
            if name in values
        ]
        placeholders = ", ".join(["%s"] * len(columns))
        self.conn.execute(  # type: ignore[attr-defined]
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608 - test's own names
            [values[c] for c in columns],
        )

    def verify(self) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", "verify_audit"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )

    def shell(self, code: str) -> str:
        return manage(self.env, "shell", "-c", code)


@pytest.fixture
def app_db(postgres_url, demo_databases) -> Iterator[AppDatabase]:
    import psycopg

    database = demo_databases.copy(postgres_url)
    owner_url = database.env["DATABASE_URL"]
    role = f"rh_forgery_{uuid.uuid4().hex[:8]}"
    manage(
        {**base_env(), "DATABASE_URL": owner_url, "DB_CONN_MAX_AGE": "0"}, "create_app_role", "--role", role
    )
    parsed = urlparse(owner_url)
    app_url = urlunparse(parsed._replace(netloc=f"{role}@{parsed.hostname}:{parsed.port or 5432}"))
    env = {**base_env(), "DATABASE_URL": app_url, "DB_CONN_MAX_AGE": "0"}
    conn = psycopg.connect(app_url.replace("postgres://", "postgresql://", 1), autocommit=True)
    try:
        app = AppDatabase(conn=conn, role=role, env=env)
        assert app.one("SELECT current_user")[0] == role
        manage(env, "seal_audit")
        baseline = app.verify()
        assert baseline.returncode == 0 and "intact" in baseline.stdout, baseline.stderr
        yield app
    finally:
        conn.close()
        database.drop()
        pg_execute(postgres_url, f'DROP ROLE IF EXISTS "{role}"')


def _reported(app: AppDatabase, *words: str) -> str:
    result = app.verify()
    assert result.returncode == 1, f"verify_audit passed a forgery:\n{result.stdout}"
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


def test_a_row_appended_with_compute_hash_and_covered_by_the_next_seal_is_reported(app_db):
    child_id, chain, head_hash, head_mac = app_db.one(
        "SELECT child_id, chain, hash, coalesce(to_jsonb(a) ->> 'mac', '') FROM audit_auditevent a "
        "WHERE child_id IS NOT NULL ORDER BY id DESC LIMIT 1"
    )
    forged = AuditEvent(
        at=timezone.now(),
        actor=None,
        actor_label="Alex Outsider (care provider)",
        child_id=child_id,
        action="view",
        data_category="screening_results",
        purpose="referral",
        object_type="child",
        object_id=str(child_id),
        chain=chain,
        prev_hash=head_hash,
    )
    forged.hash = compute_hash(head_hash, forged)
    app_db.insert(
        "audit_auditevent",
        {
            "at": forged.at,
            "actor_id": None,
            "actor_label": forged.actor_label,
            "child_id": child_id,
            "action": forged.action,
            "data_category": forged.data_category,
            "purpose": forged.purpose,
            "consent_id": None,
            "outcome": "allowed",
            "object_type": forged.object_type,
            "object_id": forged.object_id,
            "detail": "",
            "request_id": "",
            "chain": chain,
            "prev_hash": forged.prev_hash,
            "hash": forged.hash,
            "own_visit": False,
            "mac": head_mac,  # copied from the real head: it does not fit this row
        },
    )
    manage(app_db.env, "seal_audit")  # the next seal covers it, as reported
    (forged_id,) = app_db.one("SELECT id FROM audit_auditevent WHERE hash = %s", [forged.hash])
    _reported(app_db, f"row id={forged_id}", "MAC does not verify")


ACCESS_LOG = """
from django.contrib.auth.models import User
from django.test import Client
client = Client()
client.force_login(User.objects.get(pk={guardian}))
print(client.get("/portal/children/{child}/access-log/?own=1").content.decode())
"""


def _access_log(app: AppDatabase, guardian_user_id: int, child_id: int) -> tuple[str, str]:
    """The guardian's access-log page, rendered by the app as the least-privilege role:
    (other people's part, the family's own part)."""
    page = app.shell(ACCESS_LOG.format(guardian=guardian_user_id, child=child_id))
    main = page[page.index("<main") : page.index("</main>")]
    split = main.index("Your family's own visits")
    return main[:split], main[split:]


def test_a_guardian_row_inserted_for_a_provider_folds_nothing_and_is_reported(app_db):
    # A provider's allowed read of a child, and one of the child's guardians.
    provider_id, child_id, family_id, label = app_db.one(
        "SELECT a.actor_id, a.child_id, c.family_id, a.actor_label FROM audit_auditevent a "
        "JOIN families_child c ON c.id = a.child_id "
        "WHERE a.outcome = 'allowed' AND a.actor_id IS NOT NULL "
        "AND a.actor_id NOT IN (SELECT user_id FROM families_guardian) ORDER BY a.id LIMIT 1"
    )
    (guardian_user_id,) = app_db.one(
        "SELECT user_id FROM families_guardian WHERE family_id = %s ORDER BY id LIMIT 1", [family_id]
    )
    name = label.rsplit(" (", 1)[0]
    others, own = _access_log(app_db, guardian_user_id, child_id)
    assert name in others and name not in own

    app_db.insert(
        "families_guardian",
        {
            "user_id": provider_id,
            "family_id": family_id,
            "relationship": "other",
            "phone": "",
            "created_at": parse_datetime("2026-01-01T00:00:00+00:00"),
            "mac": "0" * 64,
        },
    )
    others, own = _access_log(app_db, guardian_user_id, child_id)
    assert name in others and name not in own, "the provider's reads were folded into the family's own visits"
    _reported(app_db, "guardian row", "does not verify")


def test_a_message_body_rewritten_in_sql_is_reported(app_db):
    (message_id,) = app_db.one(
        "SELECT id FROM messaging_message WHERE deleted_at IS NULL ORDER BY id LIMIT 1"
    )
    app_db.conn.execute(  # type: ignore[attr-defined]
        "UPDATE messaging_message SET body = %s WHERE id = %s",
        ["The family declined all services.", message_id],
    )
    (revisions,) = app_db.one(
        "SELECT count(*) FROM messaging_messagerevision WHERE message_id = %s", [message_id]
    )
    assert revisions == 0  # the rewrite left no revision, as reported
    _reported(app_db, f"message {message_id}", "does not verify")


def test_the_role_still_cannot_rewrite_signed_rows(app_db):
    """What the MACs do not need to catch here: the role cannot change a stored row's
    fields (own_visit, mac) at all."""
    import psycopg

    for statement in (
        "UPDATE audit_auditevent SET own_visit = true",
        "UPDATE audit_auditevent SET mac = ''",
        "UPDATE messaging_messagerevision SET mac = ''",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app_db.conn.execute(statement)  # type: ignore[attr-defined]
