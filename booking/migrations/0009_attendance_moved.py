"""Attendance and Outcome now belong to the attendance app (attendance 0001): their tables stay,
state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0001_initial"),
        ("booking", "0008_school_in_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Attendance"),
                migrations.DeleteModel(name="Outcome"),
            ]
        ),
    ]
