"""Append-only in the database itself (PostgreSQL): history rows can be neither changed
nor deleted, and a consent row may change only once, from not revoked to revoked, and
only in its ``revoked_*`` fields. Other databases (SQLite for local use) rely on the
services alone."""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION rh_forbid_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rh_consent_revoke_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'consents are never deleted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.revoked_at IS NOT NULL THEN
        RAISE EXCEPTION 'a revoked consent cannot change' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (to_jsonb(NEW) - 'revoked_at' - 'revoked_by_id' - 'revoke_reason')
        IS DISTINCT FROM (to_jsonb(OLD) - 'revoked_at' - 'revoked_by_id' - 'revoke_reason') THEN
        RAISE EXCEPTION 'only the revocation fields of a consent may change'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS consentevent_append_only ON consent_consentevent;
CREATE TRIGGER consentevent_append_only BEFORE UPDATE OR DELETE ON consent_consentevent
    FOR EACH ROW EXECUTE FUNCTION rh_forbid_change();

DROP TRIGGER IF EXISTS consent_revoke_only ON consent_consent;
CREATE TRIGGER consent_revoke_only BEFORE UPDATE OR DELETE ON consent_consent
    FOR EACH ROW EXECUTE FUNCTION rh_consent_revoke_only();
"""

UNDO = """
DROP TRIGGER IF EXISTS consentevent_append_only ON consent_consentevent;
DROP TRIGGER IF EXISTS consent_revoke_only ON consent_consent;
DROP FUNCTION IF EXISTS rh_consent_revoke_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO, params=None)


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
