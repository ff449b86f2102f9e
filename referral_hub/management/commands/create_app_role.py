"""Create (or refresh) the least-privilege PostgreSQL role the app connects as.

Migrations run as the database owner; the web and worker processes connect as this
role, which can read and write ordinary tables but cannot TRUNCATE anything, cannot
change triggers or tables (it owns none), and has no UPDATE/DELETE on the access log,
its seals and the consent and chat history (consents and messages keep UPDATE for
revocation and edits; their row triggers allow only those fields). Run it as the owner
after every ``migrate`` (idempotent): ``manage.py create_app_role --role referral_hub_app
--password-env APP_DB_PASSWORD``."""

from __future__ import annotations

import os
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from psycopg import sql

# (app_label.Model, privileges beyond SELECT and INSERT)
HISTORY_TABLES: dict[str, tuple[str, ...]] = {
    "audit.AuditEvent": (),
    "audit.AuditSeal": (),
    "consent.ConsentEvent": (),
    "consent.Consent": ("UPDATE",),
    "messaging.MessageRevision": (),
    "messaging.Message": ("UPDATE",),
}


def history_tables() -> dict[str, tuple[str, ...]]:
    return {apps.get_model(label)._meta.db_table: extra for label, extra in HISTORY_TABLES.items()}


class Command(BaseCommand):
    help = "Create or refresh the app's least-privilege PostgreSQL role (run as the owner)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", default="referral_hub_app")
        parser.add_argument("--password-env", default="", help="Environment variable holding its password.")

    def handle(self, *args: Any, role: str, password_env: str, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("create_app_role is for PostgreSQL.")
        password = os.environ.get(password_env, "") if password_env else ""
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in role_statements(
                role=role, password=password, database=connection.settings_dict["NAME"]
            ):
                cursor.execute(statement)
        self.stdout.write(f"role {role}: ordinary tables read/write; history tables append-only")


def role_statements(*, role: str, password: str, database: str) -> list[sql.Composable]:
    name = sql.Identifier(role)
    statements: list[sql.Composable] = [
        sql.SQL(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {r}) THEN "
            "CREATE ROLE {n} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS; END IF; END $$"
        ).format(r=sql.Literal(role), n=name),
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), name),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(name),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(name),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(name),
    ]
    if password:
        statements.append(sql.SQL("ALTER ROLE {} PASSWORD {}").format(name, sql.Literal(password)))
    for table, extra in history_tables().items():
        statements.append(
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table), name)
        )
        if extra:
            statements.append(
                sql.SQL("GRANT {} ON {} TO {}").format(
                    sql.SQL(", ").join(sql.SQL(p) for p in extra), sql.Identifier(table), name
                )
            )
    return statements
