"""PostgreSQL only: nearest-first search from a GiST index.

Each location is indexed as a point on the unit sphere (``cube`` extension, shipped with
PostgreSQL and trusted since 13, so the database owner may create it). Ordering by the
cube ``<->`` operator is then a KNN index scan and a radius is an index-served cube
containment; the exact great-circle miles are still computed for what is shown and
filtered (``directory/geo.py``). The expression must stay identical to
``geo.EARTH_POINT_SQL``; ``tests/directory/test_knn.py`` checks the plan uses the index.
SQLite (the embedded default) has no such index and orders the same rows the same way."""

from django.db import migrations

EXPRESSION = (
    "cube(array[cos(radians(lat)) * cos(radians(lng)), "
    "cos(radians(lat)) * sin(radians(lng)), sin(radians(lat))])"
)

CREATE = (
    "CREATE INDEX IF NOT EXISTS directory_location_earth_point ON directory_location "
    f"USING gist (({EXPRESSION})) WHERE lat IS NOT NULL AND lng IS NOT NULL"
)
DROP = "DROP INDEX IF EXISTS directory_location_earth_point"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS cube")
    schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("directory", "0008_merge_20261201_0444")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
