"""Who writes, publishes and reads the ministry report's narrative.

- Staff write it (add, change) but cannot publish: their changes are drafts until they submit
  them to moderation.
- Moderators (Wagtail's group, whose members approve page changes) approve and publish them; the
  snippet goes through the same workflow as the pages (the one on the root page), so the same
  people review what the city sends the ministry.
- Coordinators read it and download the report (`view_ministryreport`).
- Editors (programme pages) get nothing here.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Staff": ("add_ministryreport", "change_ministryreport", "view_ministryreport"),
    "Moderators": (
        "add_ministryreport",
        "change_ministryreport",
        "view_ministryreport",
        "publish_ministryreport",
        "lock_ministryreport",
        "unlock_ministryreport",
    ),
    "Coordinators": ("view_ministryreport",),
}

WAGTAIL_ACTIONS = ("publish", "lock", "unlock")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("ministry")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    ContentType = apps.get_model("contenttypes.ContentType")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="ministry", model="ministryreport"
    )
    # Wagtail adds the publish, lock and unlock permissions of a snippet after the last
    # migration (post_migrate): make them here, with its names, so they can be granted now.
    for action in WAGTAIL_ACTIONS:
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_ministryreport",
            defaults={"name": f"Can {action} ministry report"},
        )
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="ministry",
                content_type__model="ministryreport",
                codename__in=codenames,
            )
        )

    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore.WorkflowContentType")
    pages_workflow = (
        WorkflowPage.objects.filter(page__depth=1, workflow__active=True)
        .select_related("workflow")
        .first()
    )
    if pages_workflow is None:
        return  # no moderation on this site: whoever may publish publishes directly
    WorkflowContentType.objects.get_or_create(
        content_type=content_type, defaults={"workflow": pages_workflow.workflow}
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    WorkflowContentType = apps.get_model("wagtailcore.WorkflowContentType")
    WorkflowContentType.objects.filter(
        content_type__app_label="ministry", content_type__model="ministryreport"
    ).delete()
    permissions = Permission.objects.filter(content_type__app_label="ministry")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("ministry", "0001_initial"),
        ("cms", "0002_home_page_and_groups"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
