"""PostgreSQL full-text search reads a stored ``tsvector`` instead of an expression index.

With only the expression index, a name-ordered page that walks the name index had to
recompute ``to_tsvector`` for every row it passed (hundreds of ms for some words); a
stored generated column makes that check cheap and keeps the GIN index for selective
words. PostgreSQL only; ``directory.selectors.FTS_SQL`` reads the column. Other
databases get nothing here (the selector falls back to ``icontains``).
"""

from django.db import migrations

COLUMN = (
    "ALTER TABLE directory_provider ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, search_text)) STORED"
)
INDEX = "directory_provider_search_vector"
CREATE = f"CREATE INDEX IF NOT EXISTS {INDEX} ON directory_provider USING gin (search_vector)"
DROP = f"DROP INDEX IF EXISTS {INDEX}"
OLD_INDEX_DROP = "DROP INDEX IF EXISTS directory_provider_fts"
OLD_INDEX_CREATE = (
    "CREATE INDEX IF NOT EXISTS directory_provider_fts ON directory_provider "
    "USING gin (to_tsvector('english'::regconfig, search_text))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_INDEX_DROP)
        schema_editor.execute(COLUMN)
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute("ALTER TABLE directory_provider DROP COLUMN IF EXISTS search_vector")
        schema_editor.execute(OLD_INDEX_CREATE)


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_provider_verified_summary")]

    operations = [migrations.RunPython(forwards, backwards)]
