"""Give the Staff group what the booking admin needs; Coordinators get nothing here.

Staff edit study spaces and their opening hours, close and reopen, register and edit
participants, and may view slots and bookings. Coordinators see aggregates only (reports),
never participants' names, so they get no booking permission at all.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF_PERMISSIONS = {
    "studyspace": ("add", "change", "view"),
    "openinghours": ("add", "change", "view"),
    "closure": ("add", "change", "view"),
    "participant": ("add", "change", "view"),
    "slot": ("view",),
    "booking": ("view",),
}


def grant_staff_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations ran (post_migrate): create the
    # booking app's now so that this migration works on a fresh database too.
    app_config = apps.get_app_config("booking")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    staff, _ = Group.objects.get_or_create(name="Staff")
    for model, actions in STAFF_PERMISSIONS.items():
        for action in actions:
            staff.permissions.add(
                Permission.objects.get(
                    content_type__app_label="booking", codename=f"{action}_{model}"
                )
            )


def revoke_staff_permissions(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    staff = Group.objects.filter(name="Staff").first()
    if staff is None:
        return
    codenames = [f"{a}_{m}" for m, actions in STAFF_PERMISSIONS.items() for a in actions]
    staff.permissions.remove(
        *Permission.objects.filter(content_type__app_label="booking", codename__in=codenames)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0001_initial"),
        ("cms", "0002_home_page_and_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_staff_permissions, revoke_staff_permissions)]
