"""A word whose matches sort late is paged by discipline (issue 29).

"screening" matches ~11% of a million listings, all pediatricians, whose names start
"Dr.": the name-ordered walk passed ~199,000 listings before the first match, and reading
every match to sort them costs ~300 ms. ``paging`` now pages a text search without a
discipline as a merge of name-ordered walks, one per discipline that has a match (each
walk on ``provider_discipline_name``, which stops after a page). Which disciplines have a
match, and whether a discipline has only a few (then they are read by id), is asked of
these indexes: GIN over the discipline and each stored tsvector (``btree_gin``, shipped
with PostgreSQL and trusted since 13), so "a pediatrician matching screening" is one
index lookup that needs no listing row. The index is over ``discipline || ''`` (the same
value), an expression no b-tree has: given ``discipline = ...`` the planner could instead
read every listing of the discipline through a b-tree, which is what it chose on small
tables and what costs ~111,000 rows at a million when the discipline has no match. Kept by PostgreSQL itself on every write (the
discipline and the vectors are the listing's own columns). PostgreSQL only; SQLite sorts
its small directory as before."""

from django.db import migrations

INDEXES = {
    "directory_provider_discipline_text": "search_vector",
    "directory_provider_discipline_text_es": "search_vector_es",
}
CREATE = [
    f"CREATE INDEX IF NOT EXISTS {name} ON directory_provider USING gin ((discipline || ''), {column})"
    for name, column in INDEXES.items()
]
DROP = [f"DROP INDEX IF EXISTS {name}" for name in INDEXES]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("directory", "0017_place_discipline")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
