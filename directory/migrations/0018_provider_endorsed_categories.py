"""``endorsement=`` pages in name order from an index (issue 29).

The filter was an ``EXISTS`` over the endorsements per listing, walked in name order
(4.5 x the detail page at a million listings). PostgreSQL only: each listing carries
``endorsed_categories`` ("|category|category|"), the categories of its endorsements whose
*stored* status is verified, kept by a trigger on every endorsement insert, update and
delete (so every writer: the curator's services, the admin, imports, the endorsement app,
the generator, a raw UPDATE); and one partial index per category over (name, id) of the
listings whose copy names it. ``selectors.provider_matches`` adds the copy's condition,
so a page is a walk of that small index, and keeps the ``EXISTS`` over
``shown_as_endorsed(today)`` as the check of each row: the copy only chooses which
listings to look at, never what is shown. A lapse or a revocation changes the stored
status and, in the same transaction, the copy; an expiry (a date, not a write) is the
``EXISTS``'s to drop. SQLite keeps the ``EXISTS`` alone.

The column is not a model field, so an ORM save of a listing never writes a stale copy."""

from django.db import migrations

CATEGORIES = [
    "infant_family_associate",
    "infant_family_specialist",
    "infant_mental_health_specialist",
    "infant_mental_health_mentor_clinical",
    "infant_mental_health_mentor_policy",
    "infant_mental_health_mentor_research",
    "early_childhood_family_associate",
    "early_childhood_family_specialist",
    "early_childhood_mental_health_specialist",
    "early_childhood_mental_health_mentor",
]


def index_name(category):
    return f"provider_endorsed_{category}"


def create_index(category):
    return (
        f"CREATE INDEX IF NOT EXISTS {index_name(category)} ON directory_provider (name, id) "
        f"WHERE endorsed_categories LIKE '%|{category}|%'"
    )


# The copy for one listing, from its endorsements (the trigger's and the fill's).
CATEGORIES_OF = """
    COALESCE((
        SELECT '|' || string_agg(DISTINCT e.category, '|' ORDER BY e.category) || '|'
        FROM directory_endorsement AS e
        WHERE e.provider_id = {listing} AND e.status = 'verified'
    ), '')
"""

FORWARDS = [
    "ALTER TABLE directory_provider ADD COLUMN IF NOT EXISTS endorsed_categories varchar(1000) NOT NULL DEFAULT ''",
    f"""
    CREATE OR REPLACE FUNCTION directory_provider_endorsed_refresh(listing bigint) RETURNS void AS $$
        UPDATE directory_provider SET endorsed_categories = {CATEGORIES_OF.format(listing="listing")}
        WHERE id = listing
          AND endorsed_categories IS DISTINCT FROM {CATEGORIES_OF.format(listing="listing")}
    $$ LANGUAGE sql
    """,
    """
    CREATE OR REPLACE FUNCTION directory_endorsement_to_listing() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            PERFORM directory_provider_endorsed_refresh(OLD.provider_id);
        END IF;
        IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.provider_id IS DISTINCT FROM OLD.provider_id) THEN
            PERFORM directory_provider_endorsed_refresh(NEW.provider_id);
        END IF;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS directory_endorsement_categories ON directory_endorsement",
    """
    CREATE TRIGGER directory_endorsement_categories
    AFTER INSERT OR DELETE OR UPDATE OF provider_id, category, status ON directory_endorsement
    FOR EACH ROW EXECUTE FUNCTION directory_endorsement_to_listing()
    """,
    f"""
    UPDATE directory_provider AS p SET endorsed_categories = c.categories
    FROM (
        SELECT provider_id, '|' || string_agg(DISTINCT category, '|' ORDER BY category) || '|' AS categories
        FROM directory_endorsement WHERE status = 'verified' GROUP BY provider_id
    ) AS c
    WHERE c.provider_id = p.id
    """,
    *[create_index(category) for category in CATEGORIES],
]

BACKWARDS = [
    *[f"DROP INDEX IF EXISTS {index_name(category)}" for category in CATEGORIES],
    "DROP TRIGGER IF EXISTS directory_endorsement_categories ON directory_endorsement",
    "DROP FUNCTION IF EXISTS directory_endorsement_to_listing()",
    "DROP FUNCTION IF EXISTS directory_provider_endorsed_refresh(bigint)",
    "ALTER TABLE directory_provider DROP COLUMN IF EXISTS endorsed_categories",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement, params=None)  # literal % in the LIKE patterns


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement, params=None)  # literal % in the LIKE patterns


class Migration(migrations.Migration):
    dependencies = [("directory", "0017_place_discipline")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
