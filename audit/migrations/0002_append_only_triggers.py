"""The access log is append-only in PostgreSQL itself: UPDATE and DELETE fail. (The hash
chain makes any change that bypasses this visible to ``manage.py verify_audit``.)"""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION rh_forbid_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS auditevent_append_only ON audit_auditevent;
CREATE TRIGGER auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION rh_forbid_change();
"""

UNDO = "DROP TRIGGER IF EXISTS auditevent_append_only ON audit_auditevent;"


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
