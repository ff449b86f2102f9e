"""The order's document gets its own row (``OrderDocument``): uploaded once, named by id
by the authorities and restrictions that rest on it. Files recorded before stay where
they are on disk; each becomes an ``OrderDocument`` (its recorder as uploader)."""

import hashlib
import os

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import families.models

TYPES = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


def _document(OrderDocument, row):
    if not row.document:
        return None
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with row.document.open("rb") as handle:
            for chunk in iter(lambda: handle.read(65536), b""):
                head = head or chunk[:16]
                digest.update(chunk)
                size += len(chunk)
    except OSError:
        pass  # the file is gone from storage: the row still names it
    content_type = next((kind for magic, kind in TYPES if head.startswith(magic)), "")
    return OrderDocument.objects.create(
        file=row.document.name,
        name=os.path.basename(row.document.name)[:255],
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by_id=row.recorded_by_id,
    )


def forwards(apps, schema_editor):
    OrderDocument = apps.get_model("families", "OrderDocument")
    for model in ("Authority", "Restriction"):
        for row in apps.get_model("families", model).objects.exclude(document=""):
            row.order_document = _document(OrderDocument, row)
            row.save(update_fields=["order_document"])


def backwards(apps, schema_editor):
    for model in ("Authority", "Restriction"):
        for row in apps.get_model("families", model).objects.filter(order_document__isnull=False):
            row.document = row.order_document.file.name
            row.save(update_fields=["document"])


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0006_authority_and_restrictions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="OrderDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("file", models.FileField(max_length=255, upload_to=families.models.order_document_path)),
                (
                    "name",
                    models.CharField(
                        help_text="The uploader's file name (shown, never used on disk).", max_length=255
                    ),
                ),
                ("content_type", models.CharField(max_length=40)),
                ("size", models.PositiveIntegerField()),
                ("sha256", models.CharField(max_length=64)),
                ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-uploaded_at", "-id"]},
        ),
        migrations.AddField(
            model_name="authority",
            name="order_document",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="authorities",
                to="families.orderdocument",
            ),
        ),
        migrations.AddField(
            model_name="restriction",
            name="order_document",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="restrictions",
                to="families.orderdocument",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="authority", name="document"),
        migrations.RemoveField(model_name="restriction", name="document"),
        migrations.RenameField(model_name="authority", old_name="order_document", new_name="document"),
        migrations.RenameField(model_name="restriction", old_name="order_document", new_name="document"),
    ]
