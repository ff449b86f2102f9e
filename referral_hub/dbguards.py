"""SQL for the PostgreSQL guards that keep history tables append-only, shared by the
apps' migrations (each app installs its own tables' guards).

``rh_forbid_truncate`` refuses a ``TRUNCATE`` of a history table unless the current role
is a superuser (who could drop the trigger anyway; Django's test flush runs as
one). Row triggers (``BEFORE UPDATE OR DELETE``) never fire on ``TRUNCATE``, so without
it a ``TRUNCATE`` emptied the access log silently."""

from __future__ import annotations

FORBID_TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION rh_forbid_truncate() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only (TRUNCATE refused)', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def truncate_guard_sql(table: str) -> str:
    return (
        FORBID_TRUNCATE_FUNCTION
        + f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};\n"
        + f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}\n"
        + "    FOR EACH STATEMENT EXECUTE FUNCTION rh_forbid_truncate();\n"
    )


def drop_truncate_guard_sql(table: str) -> str:
    return f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};\n"
