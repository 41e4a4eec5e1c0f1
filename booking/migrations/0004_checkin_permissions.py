"""The check-in desk: Staff may check people in, register walk-ins and record outcomes.

Coordinators get nothing here: they see aggregates only, never who came.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF_PERMISSIONS = {
    "attendance": ("check_in", "view_attendance"),
    "outcome": ("add_outcome", "change_outcome", "view_outcome"),
}


def grant_check_in(apps, schema_editor):
    app_config = apps.get_app_config("booking")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    staff, _ = Group.objects.get_or_create(name="Staff")
    for model, codenames in STAFF_PERMISSIONS.items():
        for codename in codenames:
            staff.permissions.add(
                Permission.objects.get(
                    content_type__app_label="booking",
                    content_type__model=model,
                    codename=codename,
                )
            )


def revoke_check_in(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    staff = Group.objects.filter(name="Staff").first()
    if staff is None:
        return
    codenames = [c for codes in STAFF_PERMISSIONS.values() for c in codes]
    staff.permissions.remove(
        *Permission.objects.filter(content_type__app_label="booking", codename__in=codenames)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0003_attendance_outcomes_consent"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="attendance",
            options={
                "permissions": [("check_in", "Can check people in and register walk-ins")],
                "verbose_name": "attendance",
                "verbose_name_plural": "attendance",
            },
        ),
        migrations.RunPython(grant_check_in, revoke_check_in),
    ]
