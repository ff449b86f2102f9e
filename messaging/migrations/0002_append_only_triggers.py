"""Chat history kept in the database itself (PostgreSQL): revisions are append-only;
messages are never deleted (removal is soft); a message's identity (case, seq, author,
client_msg_id, created_at) never changes, and a removed message is frozen. Other
databases (SQLite for local use) rely on the services alone."""

from django.db import migrations

INSTALL = """
CREATE OR REPLACE FUNCTION rh_messaging_revision_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'message revisions are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rh_messaging_message_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'messages are never deleted (removal is soft)'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.deleted_at IS NOT NULL THEN
        RAISE EXCEPTION 'a removed message cannot change' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.case_id, NEW.seq, NEW.author_id, NEW.author_provider_id, NEW.client_msg_id, NEW.created_at)
        IS DISTINCT FROM
       (OLD.case_id, OLD.seq, OLD.author_id, OLD.author_provider_id, OLD.client_msg_id, OLD.created_at) THEN
        RAISE EXCEPTION 'only the text and the edit/removal times of a message may change'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS messagerevision_append_only ON messaging_messagerevision;
CREATE TRIGGER messagerevision_append_only BEFORE UPDATE OR DELETE ON messaging_messagerevision
    FOR EACH ROW EXECUTE FUNCTION rh_messaging_revision_append_only();

DROP TRIGGER IF EXISTS message_guard ON messaging_message;
CREATE TRIGGER message_guard BEFORE UPDATE OR DELETE ON messaging_message
    FOR EACH ROW EXECUTE FUNCTION rh_messaging_message_guard();
"""

UNDO = """
DROP TRIGGER IF EXISTS messagerevision_append_only ON messaging_messagerevision;
DROP TRIGGER IF EXISTS message_guard ON messaging_message;
DROP FUNCTION IF EXISTS rh_messaging_revision_append_only();
DROP FUNCTION IF EXISTS rh_messaging_message_guard();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO, params=None)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
