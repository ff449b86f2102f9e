from django.db import migrations, models
from django.db.models import F


def mark_active_guardians_confirmed(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Guardians who can sign in today proved their address already (or were invited)."""
    Guardian = apps.get_model("families", "Guardian")
    Guardian.objects.filter(user__is_active=True).update(email_confirmed_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0002_invitation_childgroupobjectpermission_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="guardian",
            name="email_confirmed_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the e-mail link first activated the account. A confirmation link "
                "works once: it never re-activates an account an administrator deactivated.",
                null=True,
            ),
        ),
        migrations.RunPython(mark_active_guardians_confirmed, migrations.RunPython.noop),
    ]
