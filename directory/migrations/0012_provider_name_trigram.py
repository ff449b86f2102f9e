"""PostgreSQL only: typo-tolerant name lookup (``pg_trgm``, shipped with PostgreSQL and
trusted since 13, so the database owner may create it).

A GIN trigram index on the listing's name serves ``'okafur' <% name`` (word similarity,
``selectors.close_names``): a search that found nothing offers the listings whose name is
closest to what was typed ("Samuel Okafor" for "okafur"), read from the index, never by
scanning every listing. SQLite (the embedded default) has neither; there the words a
family types are corrected against the search vocabulary only (``search_terms.py``).
Nothing here runs on SQLite."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS directory_provider_name_trgm ON directory_provider "
    "USING gin (name gin_trgm_ops)"
)
DROP = "DROP INDEX IF EXISTS directory_provider_name_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("directory", "0011_provider_capacity_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
