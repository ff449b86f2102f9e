"""The chat's foreign keys point at ``cases.Case`` (the same ``referrals_case`` table:
state only, no schema change)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("messaging", "0004_message_macs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="message",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="messages", to="cases.case"
                    ),
                ),
                migrations.AlterField(
                    model_name="readmarker",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="cases.case"
                    ),
                ),
                migrations.AlterField(
                    model_name="chatconnection",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="cases.case"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
