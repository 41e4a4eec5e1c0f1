"""Uploads of attendance spreadsheets in the admin (attendance/imports/), and the permission to
import them, given to Staff. Coordinators never get it: the rows of these files name people.
"""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

IMPORT_PERMISSION = "import_attendance"


def grant_import(apps, schema_editor):
    app_config = apps.get_app_config("attendance")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    staff, _ = Group.objects.get_or_create(name="Staff")
    staff.permissions.add(
        Permission.objects.get(
            content_type__app_label="attendance",
            content_type__model="attendanceimport",
            codename=IMPORT_PERMISSION,
        )
    )


def revoke_import(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    staff = Group.objects.filter(name="Staff").first()
    if staff is None:
        return
    staff.permissions.remove(
        *Permission.objects.filter(content_type__app_label="attendance", codename=IMPORT_PERMISSION)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AttendanceImport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("uploaded_at", models.DateTimeField(db_index=True, verbose_name="uploaded at")),
                ("file_name", models.CharField(max_length=255, verbose_name="file name")),
                ("file_size", models.PositiveBigIntegerField(verbose_name="size")),
                ("stored_name", models.CharField(blank=True, max_length=255)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("uploaded", "Being checked"),
                            ("checked", "Checked, waiting for confirmation"),
                            ("failed", "Failed"),
                            ("importing", "Importing"),
                            ("imported", "Imported"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="uploaded",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                (
                    "failure",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("problems", "The file has problems"),
                            ("error", "The file could not be processed"),
                            ("abandoned", "The work stopped before it finished"),
                        ],
                        max_length=10,
                    ),
                ),
                ("preview", models.JSONField(blank=True, default=dict)),
                ("problems", models.JSONField(blank=True, default=list)),
                ("problem_count", models.PositiveIntegerField(default=0)),
                ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                ("result", models.JSONField(blank=True, default=dict)),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
                ),
                (
                    "confirmed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "attendance import",
                "verbose_name_plural": "attendance imports",
                "permissions": [("import_attendance", "Can import attendance spreadsheets")],
                "default_permissions": (),
            },
        ),
        migrations.RunPython(grant_import, revoke_import),
    ]
