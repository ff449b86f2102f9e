"""Spanish full text beside the English: a second stored ``tsvector`` built with
PostgreSQL's ``spanish`` configuration (Spanish stemming and stop words) and its own GIN
index. ``directory.selectors.full_text_sql`` matches a query against either
configuration, so "terapias del habla" finds "Terapia del habla" and "speech
therapists" still finds "speech therapy". PostgreSQL only; SQLite keeps ``icontains``.
"""

from django.db import migrations

COLUMN = (
    "ALTER TABLE directory_provider ADD COLUMN IF NOT EXISTS search_vector_es tsvector "
    "GENERATED ALWAYS AS (to_tsvector('spanish'::regconfig, search_text)) STORED"
)
INDEX = "directory_provider_search_vector_es"
CREATE = f"CREATE INDEX IF NOT EXISTS {INDEX} ON directory_provider USING gin (search_vector_es)"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COLUMN)
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute("ALTER TABLE directory_provider DROP COLUMN IF EXISTS search_vector_es")


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_provider_search_vector")]

    operations = [migrations.RunPython(forwards, backwards)]
