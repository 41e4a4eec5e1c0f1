"""Programmes' schools now point at core.School: the same table (cms_school), state only."""

import modelcluster.fields
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("programs", "0002_programpage_advance_days_and_more"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="programpage",
                    name="schools",
                    field=modelcluster.fields.ParentalManyToManyField(
                        blank=True,
                        help_text="Leave empty when anyone may join, at a school or not.",
                        to="core.school",
                        verbose_name="schools",
                    ),
                ),
            ]
        ),
    ]
