"""Case and CareTeamMember now belong to ``cases`` (cases/0001_initial.py): referrals'
state forgets them and ``Referral.case`` points at ``cases.Case``. The tables stay as
they are (state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0004_merge_20261201_0444"),
        ("cases", "0001_initial"),
        # Every foreign key to referrals.Case is re-pointed before the model leaves.
        ("messaging", "0005_case_moved_to_cases"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="referral",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="referrals", to="cases.case"
                    ),
                ),
                migrations.DeleteModel(name="CareTeamMember"),
                migrations.DeleteModel(name="Case"),
            ],
            database_operations=[],
        ),
    ]
