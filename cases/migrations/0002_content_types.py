"""The content types of the moved models follow them (referrals -> cases), so
permissions (``add_case`` ...) and any generic relation keep pointing at the same rows.
On a fresh database there is nothing to rename: the content types are created for
``cases`` after migrating."""

from django.db import migrations

MODELS = ("case", "careteammember")


def _move(apps, schema_editor, *, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue
        if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            # Created meanwhile (e.g. a post_migrate run): the old row's permissions
            # would duplicate the new one's, so the old row goes.
            old.delete()
            continue
        old.app_label = target
        old.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    _move(apps, schema_editor, source="referrals", target="cases")


def backwards(apps, schema_editor):
    _move(apps, schema_editor, source="cases", target="referrals")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
