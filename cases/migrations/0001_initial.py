"""Case and CareTeamMember move here from referrals WITHOUT moving data: the tables
(``referrals_case``, ``referrals_careteammember``), their constraints and indexes stay as
referrals created them; this migration only tells Django's state that ``cases`` owns
them now (referrals/0005 removes them from referrals' state; messaging/0005 re-points
its foreign keys)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("directory", "0001_initial"),
        ("families", "0001_initial"),
        # The tables exist from referrals' own migrations.
        ("referrals", "0004_merge_20261201_0444"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="Case",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "child",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="case", to="families.child"
                    ),
                ),
            ],
            options={"db_table": "referrals_case"},
        ),
        migrations.CreateModel(
            name="CareTeamMember",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("referrer", "Referrer"),
                            ("recipient", "Accepted a referral"),
                            ("lead", "Care coordinator"),
                        ],
                        max_length=20,
                    ),
                ),
                ("joined_at", models.DateTimeField(auto_now_add=True)),
                ("left_at", models.DateTimeField(blank=True, null=True)),
                ("left_reason", models.CharField(blank=True, max_length=100)),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="members", to="cases.case"
                    ),
                ),
                (
                    "provider",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="team_memberships",
                        to="directory.provider",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="team_memberships",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "db_table": "referrals_careteammember",
                "indexes": [
                    models.Index(
                        condition=models.Q(("left_at__isnull", True)), fields=["user", "case"], name="team_user_case"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("left_at__isnull", True)),
                        fields=("case", "provider"),
                        name="one_current_membership_per_provider",
                    )
                ],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
    ]
