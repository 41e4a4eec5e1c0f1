"""School now belongs to the core app (core 0001); its table and rows stay. Its content type moves
with it, so the groups' permissions on partner schools and the audit entries about them follow.
"""

from django.db import migrations

from core.migrations_support import move_content_types


def forwards(apps, schema_editor):
    move_content_types(apps, "cms", "core", ["school"])


def backwards(apps, schema_editor):
    move_content_types(apps, "core", "cms", ["school"])


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0001_initial"),
        ("booking", "0009_attendance_moved"),
        ("cms", "0003_impact_page"),
        ("core", "0001_initial"),
        ("programs", "0003_school_in_core"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="School")]
        ),
    ]
