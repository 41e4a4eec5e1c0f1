"""Participants' and attendance rows' schools now point at core.School: the same table
(cms_school), state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0007_attendance_report_index_with_slot"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="participant",
                    name="school",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="Empty: not at a partner school, or not enrolled.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="core.school",
                        verbose_name="school",
                    ),
                ),
                migrations.AlterField(
                    model_name="attendance",
                    name="school",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.school",
                    ),
                ),
            ]
        ),
    ]
