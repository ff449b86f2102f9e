"""A near search with a discipline reads only that discipline's locations (issue 29).

Near a big city the radius holds ~20,000 of a million listings' locations; checking each
against its listing (a primary-key probe per location) was most of a near search's cost.
PostgreSQL only: each location carries a copy of its listing's discipline
(``provider_discipline``, kept by triggers: set from the listing when a location is
written, rewritten when a listing's discipline changes), and one GiST index holds the
location's point and that discipline (``btree_gist``, shipped with PostgreSQL and trusted
since 13), so "pediatricians within 25 miles" is one index scan. ``paging`` adds the
condition (``selectors.near_locations``); SQLite (the embedded default) has neither and
joins the listing as before.

Also, for both databases: a partial index of the home-visiting listings, which every near
search asks about (``service_areas.covering``)."""

from django.db import migrations, models

# The point exactly as the KNN index (0009) and ``geo.EARTH_POINT_SQL`` write it.
POINT = (
    "cube(array[cos(radians(lat)) * cos(radians(lng)), "
    "cos(radians(lat)) * sin(radians(lng)), sin(radians(lat))])"
)
INDEX = "directory_location_place_discipline"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON directory_location "
    f"USING gist (({POINT}), provider_discipline) WHERE lat IS NOT NULL AND lng IS NOT NULL"
)
DROP = f"DROP INDEX IF EXISTS {INDEX}"

FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE directory_location ADD COLUMN IF NOT EXISTS provider_discipline varchar(40)",
    # A restore (pg_dump) may load locations before listings: keep the copied value then.
    """
    CREATE OR REPLACE FUNCTION directory_location_copy_discipline() RETURNS trigger AS $$
    BEGIN
        NEW.provider_discipline := COALESCE(
            (SELECT discipline FROM directory_provider WHERE id = NEW.provider_id),
            NEW.provider_discipline
        );
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS directory_location_discipline ON directory_location",
    """
    CREATE TRIGGER directory_location_discipline BEFORE INSERT OR UPDATE OF provider_id
    ON directory_location FOR EACH ROW EXECUTE FUNCTION directory_location_copy_discipline()
    """,
    """
    CREATE OR REPLACE FUNCTION directory_provider_discipline_to_locations() RETURNS trigger AS $$
    BEGIN
        UPDATE directory_location SET provider_discipline = NEW.discipline
        WHERE provider_id = NEW.id AND provider_discipline IS DISTINCT FROM NEW.discipline;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS directory_provider_discipline ON directory_provider",
    """
    CREATE TRIGGER directory_provider_discipline AFTER UPDATE OF discipline
    ON directory_provider FOR EACH ROW
    WHEN (OLD.discipline IS DISTINCT FROM NEW.discipline)
    EXECUTE FUNCTION directory_provider_discipline_to_locations()
    """,
    """
    UPDATE directory_location AS l SET provider_discipline = p.discipline
    FROM directory_provider AS p WHERE p.id = l.provider_id
    """,
    CREATE,
]

BACKWARDS = [
    DROP,
    "DROP TRIGGER IF EXISTS directory_provider_discipline ON directory_provider",
    "DROP FUNCTION IF EXISTS directory_provider_discipline_to_locations()",
    "DROP TRIGGER IF EXISTS directory_location_discipline ON directory_location",
    "DROP FUNCTION IF EXISTS directory_location_copy_discipline()",
    "ALTER TABLE directory_location DROP COLUMN IF EXISTS provider_discipline",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("directory", "0016_provider_service_delivery")]

    operations = [
        migrations.AddIndex(
            model_name="provider",
            index=models.Index(
                fields=["id"], name="provider_home_visiting", condition=models.Q(home_visiting=True)
            ),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
