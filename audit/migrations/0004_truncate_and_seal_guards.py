"""TRUNCATE of the access log and its seals fails in PostgreSQL itself, and seals are
append-only like the rows they sign."""

from django.db import migrations

from referral_hub.dbguards import drop_truncate_guard_sql, truncate_guard_sql

TABLES = ["audit_auditevent", "audit_auditseal"]

SEAL_APPEND_ONLY = """
DROP TRIGGER IF EXISTS auditseal_append_only ON audit_auditseal;
CREATE TRIGGER auditseal_append_only BEFORE UPDATE OR DELETE ON audit_auditseal
    FOR EACH ROW EXECUTE FUNCTION rh_forbid_change();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEAL_APPEND_ONLY, params=None)
        for table in TABLES:
            schema_editor.execute(truncate_guard_sql(table), params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS auditseal_append_only ON audit_auditseal;", params=None)
        for table in TABLES:
            schema_editor.execute(drop_truncate_guard_sql(table), params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chains_and_seals")]

    operations = [migrations.RunPython(install, uninstall)]
