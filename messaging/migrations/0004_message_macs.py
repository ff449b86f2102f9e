"""Messages and revisions get a MAC under AUDIT_SEAL_KEY (``messaging.integrity``); the
existing ones are signed here, as they are now (the key is in the settings). On
PostgreSQL the owner turns the history triggers off for this one transaction (a
removed message is otherwise frozen, revisions append-only)."""

import django.utils.timezone
from django.db import migrations, models

TRIGGERS = [("messaging_message", "message_guard"), ("messaging_messagerevision", "messagerevision_append_only")]


def sign_existing(apps, schema_editor):
    from audit import macs
    from messaging.integrity import MESSAGE_DOMAIN, NO_REVISION, REVISION_DOMAIN, message_payload, revision_payload

    Message = apps.get_model("messaging", "Message")
    MessageRevision = apps.get_model("messaging", "MessageRevision")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        # ALTER TABLE refuses while deferred checks are pending in this transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE", params=None)
        for table, trigger in TRIGGERS:
            schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}", params=None)
    heads = {}
    batch = []
    for revision in MessageRevision.objects.order_by("message_id", "id").iterator(chunk_size=2000):
        revision.mac = macs.sign(REVISION_DOMAIN, revision_payload(revision, heads.get(revision.message_id, NO_REVISION)))
        heads[revision.message_id] = revision.mac
        batch.append(revision)
        if len(batch) >= 500:
            MessageRevision.objects.bulk_update(batch, ["mac"])
            batch = []
    if batch:
        MessageRevision.objects.bulk_update(batch, ["mac"])
    batch = []
    for message in Message.objects.order_by("id").iterator(chunk_size=2000):
        message.mac = macs.sign(MESSAGE_DOMAIN, message_payload(message, heads.get(message.pk, NO_REVISION)))
        batch.append(message)
        if len(batch) >= 500:
            Message.objects.bulk_update(batch, ["mac"])
            batch = []
    if batch:
        Message.objects.bulk_update(batch, ["mac"])
    if postgres:
        for table, trigger in TRIGGERS:
            schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}", params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('messaging', '0003_truncate_guard'),
    ]

    operations = [
        migrations.AddField(
            model_name='message',
            name='mac',
            field=models.CharField(blank=True, default='', editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='messagerevision',
            name='mac',
            field=models.CharField(blank=True, default='', editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='message',
            name='created_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AlterField(
            model_name='messagerevision',
            name='edited_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.RunPython(sign_existing, migrations.RunPython.noop),
    ]
