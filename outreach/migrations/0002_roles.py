"""The outreach roles and what each may do (docs/domain.md, "Outreach: who sees what").

- Outreach staff (centre staff): answer consultation requests, keep the records of the cases
  assigned to them.
- Outreach leads: the same for every case, assign cases, write the committee's minutes, read
  the figures.
- School liaisons: refer students of their own school (the school is set per account, on its
  `Liaison` row) and follow those referrals.
- Committee: the review list (case codes and status), the meetings, the figures.
- Coordinators (who already read the attendance report): the review list and the figures.

Every role reaches the Wagtail admin; none of the new ones can edit pages.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Outreach staff": ["handle_requests", "work_cases"],
    "Outreach leads": [
        "handle_requests",
        "work_cases",
        "see_all_cases",
        "review_cases",
        "view_outreach_report",
        "minute_meetings",
    ],
    "School liaisons": ["refer_students"],
    "Committee": ["review_cases", "view_outreach_report"],
    "Coordinators": ["review_cases", "view_outreach_report"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("outreach")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="outreach", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    permissions = Permission.objects.filter(content_type__app_label="outreach")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0001_initial"),
        ("cms", "0002_home_page_and_groups"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
