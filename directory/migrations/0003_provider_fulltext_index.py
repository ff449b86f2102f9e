"""PostgreSQL full-text search: a GIN expression index over ``search_text``.

Superseded by 0006 (a stored tsvector column), which drops this index. Other databases (SQLite) get nothing here: the selector
falls back to ``icontains`` there.
"""

from django.db import migrations

INDEX = "directory_provider_fts"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON directory_provider "
    "USING gin (to_tsvector('english'::regconfig, search_text))"
)
DROP = f"DROP INDEX IF EXISTS {INDEX}"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_provider_details")]

    operations = [migrations.RunPython(forwards, backwards)]
