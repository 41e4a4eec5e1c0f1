"""Coordinators (and Staff) may read the yearly attendance report and export it.

The report shows aggregates only; this permission opens nothing that names a participant.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Coordinators", "Staff")


def grant_view_reports(apps, schema_editor):
    # Permissions are normally created after all migrations ran (post_migrate): create the
    # booking app's now so that this migration works on a fresh database too.
    app_config = apps.get_app_config("booking")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    permission = Permission.objects.get(
        content_type__app_label="booking", content_type__model="attendance", codename="view_reports"
    )
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


def revoke_view_reports(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    permission = Permission.objects.filter(
        content_type__app_label="booking", codename="view_reports"
    ).first()
    if permission is None:
        return
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0004_checkin_permissions"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="attendance",
            options={
                "permissions": [
                    ("check_in", "Can check people in and register walk-ins"),
                    ("view_reports", "Can view and export the attendance reports"),
                ],
                "verbose_name": "attendance",
                "verbose_name_plural": "attendance",
            },
        ),
        migrations.RunPython(grant_view_reports, revoke_view_reports),
    ]
