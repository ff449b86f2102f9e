"""Failed rows queued before one-time links were minted at send time still hold their
link: redact them like sent ones."""

from django.db import migrations

REDACTED_BODY = "[Removed after delivery: this e-mail carried a one-time link.]"


def redact(apps, schema_editor):
    OutboxMessage = apps.get_model("outbox", "OutboxMessage")
    OutboxMessage.objects.filter(status="failed", one_time_link=True).exclude(payload__has_key="link").update(
        body=REDACTED_BODY
    )


class Migration(migrations.Migration):
    dependencies = [("outbox", "0003_one_time_link")]

    operations = [migrations.RunPython(redact, migrations.RunPython.noop)]
