"""Finding 6 (issue 8): the access log was not tamper-evident against the app's own
database role. TRUNCATE worked and verify_audit said "intact: 0 rows"; deleting the
newest rows went unnoticed; editing a row and recomputing every later hash with the
app's own ``compute_hash`` passed.

Now: TRUNCATE is refused in PostgreSQL itself (a statement trigger, and the app's role
has no TRUNCATE privilege); chain heads are sealed with an HMAC under AUDIT_SEAL_KEY,
which is not in the database, so truncation, tail deletion and re-chaining done with the
guards bypassed (as a superuser could) are still reported by ``verify_audit``. The app
connects as a least-privilege role: UPDATE, DELETE and TRUNCATE of the history tables
fail for it while ordinary writes work.

PostgreSQL only (the guards are PostgreSQL's); fails rather than skips when CI is set."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.utils import InternalError, ProgrammingError
from psycopg import sql

from audit.models import AuditEvent
from audit.services import audit_record, audit_seal, compute_hash, verify_log
from consent.services import consent_revoke
from messaging.services import message_send
from tests.factories.messaging import care_team

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

APP_ROLE = "rh_app_least_privilege_test"
HISTORY = ["audit_auditevent", "audit_auditseal", "consent_consentevent", "messaging_messagerevision"]


@pytest.fixture
def on_postgres(postgres_url):
    if connection.vendor != "postgresql":
        pytest.skip("database guards are PostgreSQL's (DATABASE_URL set)")


@pytest.fixture
def logged(on_postgres):
    """A team's case with a few sealed access-log rows about its child."""
    team = care_team(size=2)
    for n in range(4):
        audit_record(actor=team.users[0], action="view", child=team.child, detail=f"read {n}")
    audit_seal()
    return team


def _as_superuser_bypassing_guards(statements: list[tuple[str, list]]) -> None:
    """What someone who can bypass the guards (a superuser, or an owner who disables
    the triggers) could do: the seal must still catch it."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            for statement, params in statements:
                cursor.execute(statement, params)
        finally:
            cursor.execute("SET session_replication_role = origin")


def _verify_fails(capsys) -> str:
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit")
    assert exit_info.value.code == 1
    return capsys.readouterr().err


def test_an_intact_sealed_log_verifies(logged, capsys):
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_truncate_is_refused_even_with_the_privilege(logged):
    with connection.cursor() as cursor:
        cursor.execute(f'DROP ROLE IF EXISTS "{APP_ROLE}_trunc"')
        cursor.execute(f'CREATE ROLE "{APP_ROLE}_trunc"')
        cursor.execute(f'GRANT TRUNCATE ON audit_auditevent TO "{APP_ROLE}_trunc"')
        try:
            cursor.execute(f'SET ROLE "{APP_ROLE}_trunc"')
            with pytest.raises((InternalError, ProgrammingError), match="append-only"):
                cursor.execute("TRUNCATE audit_auditevent CASCADE")
        finally:
            cursor.execute("RESET ROLE")
            cursor.execute(f'REVOKE ALL ON audit_auditevent FROM "{APP_ROLE}_trunc"')
            cursor.execute(f'DROP ROLE "{APP_ROLE}_trunc"')
    assert AuditEvent.objects.count() >= 4


def test_a_truncated_log_is_reported(logged, capsys):
    _as_superuser_bypassing_guards([("DELETE FROM audit_auditevent", [])])
    assert not verify_log().intact
    assert "rows were removed" in _verify_fails(capsys)


def test_deleting_the_newest_rows_is_reported(logged, capsys):
    newest = AuditEvent.objects.filter(child=logged.child).order_by("-id").values_list("pk", flat=True)[:2]
    _as_superuser_bypassing_guards([("DELETE FROM audit_auditevent WHERE id = ANY(%s)", [list(newest)])])
    assert "rows were removed" in _verify_fails(capsys)


def test_rechaining_with_the_apps_own_compute_hash_is_reported(logged, capsys):
    rows = list(AuditEvent.objects.filter(chain=f"child:{logged.child.pk}").order_by("id"))
    statements = []
    prev = rows[0].prev_hash
    for row in rows:
        if row is rows[1]:
            row.detail = "nothing happened"
        row.prev_hash = prev
        row.hash = compute_hash(prev, row)
        prev = row.hash
        statements.append(
            (
                "UPDATE audit_auditevent SET detail = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [row.detail, row.prev_hash, row.hash, row.pk],
            )
        )
    _as_superuser_bypassing_guards(statements)
    # Every link and every row hash is consistent again: the rewritten row's MAC (under
    # a key the database does not hold) is not.
    err = _verify_fails(capsys)
    assert "MAC does not verify" in err


@pytest.fixture
def app_role(on_postgres) -> Iterator[str]:
    """The least-privilege role, created by the same command deployments run, and the
    Django connection switched to it for the test's duration."""
    call_command("create_app_role", role=APP_ROLE)
    owner = connection.settings_dict["USER"]
    connection.close()
    connection.settings_dict["USER"] = APP_ROLE
    try:
        yield APP_ROLE
    finally:
        connection.close()
        connection.settings_dict["USER"] = owner


def test_the_app_role_writes_normally_but_cannot_rewrite_history(app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == APP_ROLE
    team = care_team(size=2)
    message_send(actor=team.users[0], case_id=team.case.pk, body="Hello", client_msg_id=uuid.uuid4())
    consent = team.consents[team.providers[1].pk]
    consent_revoke(actor=team.guardian.user, consent_id=consent.pk, reason="moving away")
    audit_seal()
    assert verify_log().intact
    for table in HISTORY:
        for verb in ("UPDATE {} SET id = id", "DELETE FROM {}", "TRUNCATE {}"):
            statement = sql.SQL(verb).format(sql.Identifier(table))
            with pytest.raises(ProgrammingError, match="permission denied"), connection.cursor() as cursor:
                cursor.execute(statement)
    for statement in (
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER auditevent_append_only ON audit_auditevent",
    ):
        with pytest.raises(ProgrammingError, match="must be owner"), connection.cursor() as cursor:
            cursor.execute(statement)
