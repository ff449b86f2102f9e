"""TRUNCATE of the history tables fails in PostgreSQL itself (row triggers do not fire on
TRUNCATE)."""

from django.db import migrations

from referral_hub.dbguards import drop_truncate_guard_sql, truncate_guard_sql

TABLES = ["consent_consentevent", "consent_consent"]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(truncate_guard_sql(table), params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(drop_truncate_guard_sql(table), params=None)


class Migration(migrations.Migration):
    dependencies = [("consent", "0002_append_only_triggers")]

    operations = [migrations.RunPython(install, uninstall)]
