"""Issue 23, finding 6: forged history passed ``verify_audit``. With the app's own
database rights, a row appended to a child's chain with ``compute_hash`` verified (and
the next seal covered it); a ``families_guardian`` row inserted for a provider folded
that provider's reads into "the family's own visits"; ``UPDATE messaging_message SET
body = ...`` left no revision and ``edited_at`` empty, and nothing noticed.

Now every access-log row, chat message, revision and guardian row carries an HMAC under
``AUDIT_SEAL_KEY`` (a key the database does not hold), "own visit" is decided when a row
is written and stored in it, and ``manage.py verify_audit`` reports each forgery. The
forgeries here are plain SQL, as the database role could write them (runs on either
database; tests/security/test_audit_forgery.py repeats them on PostgreSQL as the
least-privilege role)."""

from __future__ import annotations

import importlib
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.utils import DatabaseError
from django.utils import timezone

from audit.models import Action, AuditEvent
from audit.services import audit_denied, audit_record, audit_seal, compute_hash, verify_log
from messaging.services import message_delete, message_edit
from tests.factories.messaging import care_team, stored_message

pytestmark = pytest.mark.django_db


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [column.name for column in connection.introspection.get_table_description(cursor, table)]


def _insert(table: str, values: dict[str, object]) -> None:
    """An INSERT as the database role could write it: the table's own columns only,
    none of the app's code (so no key)."""
    columns = [c for c in _columns(table) if c in values]
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608 - test's own names
            [values[c] for c in columns],
        )


def _verify_fails(capsys) -> str:
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit")
    assert exit_info.value.code == 1
    return capsys.readouterr().err


def _verifies(capsys) -> None:
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def _access_log(client, guardian_user, child) -> tuple[str, str]:
    """The guardian's access-log page: (other people's part, the family's own part)."""
    client.force_login(guardian_user)
    page = client.get(f"/portal/children/{child.pk}/access-log/?own=1").content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    split = main.index("Your family's own visits")
    return main[:split], main[split:]


def test_the_app_signs_every_row_and_decides_own_visits_when_writing(capsys):
    team = care_team(size=1)
    guardian, provider = team.guardian.user, team.users[0]
    own = audit_record(actor=guardian, action=Action.VIEW, child=team.child, object_type="child")
    theirs = audit_record(actor=provider, action=Action.VIEW, child=team.child, object_type="child")
    refused = audit_denied(actor=guardian, action=Action.UPDATE, child=team.child, object_type="child")
    stranger = care_team(size=0).guardian.user
    other_family = audit_denied(actor=stranger, action=Action.VIEW, child=team.child)
    stored = {row.pk: row for row in AuditEvent.objects.all()}
    assert stored[own.pk].own_visit is True
    assert stored[theirs.pk].own_visit is False
    assert stored[refused.pk].own_visit is False, "a refused attempt is never folded away"
    assert stored[other_family.pk].own_visit is False
    assert all(len(row.mac) == 64 for row in stored.values())
    audit_seal()
    _verifies(capsys)


def test_a_row_appended_with_database_rights_and_compute_hash_is_reported(client, capsys):
    team = care_team(size=1)
    for n in range(3):
        audit_record(actor=team.users[0], action=Action.VIEW, child=team.child, detail=f"read {n}")
    audit_seal()
    _verifies(capsys)
    head = AuditEvent.objects.filter(chain=f"child:{team.child.pk}").order_by("-id").first()
    forged = AuditEvent(
        at=timezone.now(),
        actor=None,
        actor_label="Alex Outsider (care provider)",
        child_id=team.child.pk,
        action=Action.VIEW,
        data_category="screening_results",
        purpose="referral",
        object_type="child",
        object_id=str(team.child.pk),
        chain=head.chain,
        prev_hash=head.hash,
    )
    forged.hash = compute_hash(forged.prev_hash, forged)
    values = {
        f.column: f.get_db_prep_save(getattr(forged, f.attname), connection) for f in forged._meta.fields
    }
    values.pop("id")
    values["mac"] = getattr(head, "mac", "")  # a MAC copied from a real row does not fit another row
    _insert("audit_auditevent", values)
    audit_seal()  # the next seal covers the forged row, as in the report

    forged_id = AuditEvent.objects.get(hash=forged.hash).pk
    err = _verify_fails(capsys)
    assert f"row id={forged_id}" in err and "MAC does not verify" in err
    assert not verify_log().intact


def test_a_guardian_row_inserted_for_a_provider_folds_none_of_their_reads(client, capsys):
    team = care_team(size=1)
    provider = team.users[0]
    name = provider.get_full_name()
    audit_record(actor=provider, action=Action.VIEW, child=team.child, object_type="referral", object_id=1)
    others, own = _access_log(client, team.guardian.user, team.child)
    assert name in others and name not in own

    _insert(
        "families_guardian",
        {
            "user_id": provider.pk,
            "family_id": team.child.family_id,
            "relationship": "other",
            "phone": "",
            "created_at": timezone.now(),
            "mac": "0" * 64,
        },
    )
    # Their earlier read stays among other people's; a read after the insertion too
    # (a fresh user object: a new request).
    audit_record(
        actor=User.objects.get(pk=provider.pk), action=Action.VIEW, child=team.child, object_type="referral"
    )
    others, own = _access_log(client, team.guardian.user, team.child)
    assert len(re.findall(re.escape(name), others)) >= 2 and name not in own
    err = _verify_fails(capsys)
    assert "guardian row" in err and "does not verify" in err


def test_own_visit_changed_in_sql_is_refused_or_reported(capsys):
    team = care_team(size=1)
    row = audit_record(actor=team.users[0], action=Action.VIEW, child=team.child)
    audit_seal()
    statement = "UPDATE audit_auditevent SET own_visit = %s WHERE id = %s"
    if connection.vendor == "postgresql":
        # The database itself refuses (append-only); test_audit_tamper bypasses it.
        with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
            cursor.execute(statement, [True, row.pk])
        return
    with connection.cursor() as cursor:
        cursor.execute(statement, [True, row.pk])
    assert "MAC does not verify" in _verify_fails(capsys)


def test_a_message_rewritten_in_sql_without_its_revision_is_reported(capsys):
    team = care_team(size=2)
    message = stored_message(team, body="The appointment is on Tuesday")
    message_edit(actor=team.users[0], case_id=team.case.pk, message_id=message.pk, body="It is on Wednesday")
    removed = stored_message(team, author_index=1, body="Wrong case, sorry")
    message_delete(actor=team.users[1], case_id=team.case.pk, message_id=removed.pk)
    audit_seal()
    _verifies(capsys)

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE messaging_message SET body = %s WHERE id = %s",
            ["The family declined services", message.pk],
        )
    err = _verify_fails(capsys)
    assert f"message {message.pk}" in err and "does not verify" in err


def test_a_revision_forged_in_sql_is_reported(capsys):
    """An attacker who writes the revision row too (and edited_at) still has no key."""
    team = care_team(size=1)
    message = stored_message(team, body="Screening booked")
    audit_seal()
    _verifies(capsys)
    now = timezone.now()
    _insert(
        "messaging_messagerevision",
        {
            "message_id": message.pk,
            "previous_body": message.body,
            "edited_by_id": message.author_id,
            "edited_at": now,
            "mac": "0" * 64,
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE messaging_message SET body = %s, edited_at = %s WHERE id = %s",
            ["Screening cancelled", now, message.pk],
        )
    assert "does not verify" in _verify_fails(capsys)


def test_key_rotation_old_rows_verify_while_their_key_is_listed(settings, capsys):
    team = care_team(size=1)
    first_key = settings.AUDIT_SEAL_KEY
    audit_record(actor=team.users[0], action=Action.VIEW, child=team.child, detail="under the first key")
    stored_message(team, body="Signed under the first key")
    audit_seal()

    settings.AUDIT_SEAL_KEY, settings.AUDIT_SEAL_OLD_KEYS = "the-second-key-0123456789abcdef", [first_key]
    audit_record(actor=team.users[0], action=Action.VIEW, child=team.child, detail="under the second key")
    stored_message(team, body="Signed under the second key")
    audit_seal()
    _verifies(capsys)

    settings.AUDIT_SEAL_OLD_KEYS = []  # the first key dropped while its rows remain
    assert "not signed by AUDIT_SEAL_KEY" in _verify_fails(capsys)

    # A leaked old key cannot extend a chain already signed under the newer one.
    settings.AUDIT_SEAL_KEY = first_key
    audit_record(actor=team.users[0], action=Action.VIEW, child=team.child, detail="under the old key again")
    settings.AUDIT_SEAL_KEY, settings.AUDIT_SEAL_OLD_KEYS = "the-second-key-0123456789abcdef", [first_key]
    assert "older key" in verify_log().reason


def test_a_message_deleted_from_the_middle_of_a_case_is_refused_or_reported(capsys):
    team = care_team(size=1)
    messages = [stored_message(team, body=f"Note {n}") for n in range(3)]
    _verifies(capsys)
    statement = "DELETE FROM messaging_message WHERE id = %s"
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="never deleted"), connection.cursor() as cursor:
            cursor.execute(statement, [messages[1].pk])
        return
    with connection.cursor() as cursor:
        cursor.execute(statement, [messages[1].pk])
    assert f"message {messages[2].pk}" in _verify_fails(capsys)


def _run_migration(module: str) -> None:
    """A data migration's forward step on this database, with the app registry (the
    fields it touches are the same in the migration's state)."""
    from django.apps import apps

    def execute(sql: str, params=None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    migration = importlib.import_module(module)
    migration.sign_existing(apps, SimpleNamespace(connection=connection, execute=execute))


GUARDS = [
    ("audit_auditevent", "auditevent_append_only"),
    ("messaging_message", "message_guard"),
    ("messaging_messagerevision", "messagerevision_append_only"),
]


def _as_before_the_migration(statements: list[tuple[str, list]]) -> None:
    """Rows as they were before the MAC columns were filled (the owner, as migrations
    run, with the history guards off for the moment)."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no pending check
        for table, trigger in GUARDS if postgres else []:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        for statement, params in statements:
            cursor.execute(statement, params)
        for table, trigger in GUARDS if postgres else []:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")


def test_the_migration_signs_existing_rows_but_leaves_broken_ones_unsigned(capsys):
    team = care_team(size=1)
    own = audit_record(actor=team.guardian.user, action=Action.VIEW, child=team.child)
    theirs = audit_record(actor=team.users[0], action=Action.VIEW, child=team.child)
    other = care_team(size=1)
    tampered = audit_record(actor=other.users[0], action=Action.VIEW, child=other.child, detail="read")
    _as_before_the_migration(
        [
            ("UPDATE audit_auditevent SET mac = '', own_visit = %s", [False]),
            ("UPDATE audit_auditevent SET detail = 'nothing' WHERE id = %s", [tampered.pk]),
        ]
    )
    _run_migration("audit.migrations.0005_row_macs_and_own_visit")
    rows = {row.pk: row for row in AuditEvent.objects.all()}
    assert rows[own.pk].own_visit and not rows[theirs.pk].own_visit
    assert rows[own.pk].mac and rows[theirs.pk].mac
    assert rows[tampered.pk].mac == "", "an already broken row is not laundered by the migration"
    assert "content does not match its hash" in _verify_fails(capsys)


def test_the_migration_signs_existing_messages_and_revisions(capsys):
    team = care_team(size=1)
    message = stored_message(team, body="First words")
    message_edit(actor=team.users[0], case_id=team.case.pk, message_id=message.pk, body="Second words")
    message_edit(actor=team.users[0], case_id=team.case.pk, message_id=message.pk, body="Third words")
    removed = stored_message(team, body="Removed")
    message_delete(actor=team.users[0], case_id=team.case.pk, message_id=removed.pk)
    _as_before_the_migration(
        [("UPDATE messaging_message SET mac = ''", []), ("UPDATE messaging_messagerevision SET mac = ''", [])]
    )
    assert "does not verify" in _verify_fails(capsys)
    _run_migration("messaging.migrations.0004_message_macs")
    _verifies(capsys)
