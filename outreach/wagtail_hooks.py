"""Admin wiring for outreach: the requests inbox, cases, referrals, the committee's review and
the figures, each menu item shown only to the roles whose permission it needs
(`outreach.access`)."""

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core import audit as core_audit

from . import access, audit


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permissions=(), **kwargs):
        self.permissions = permissions
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return any(request.user.has_perm(permission) for permission in self.permissions)


@hooks.register("register_log_actions")
def register_outreach_log_actions(actions):
    core_audit.register_actions(actions, audit.ACTIONS)


# Consultation requests: the staff inbox (outreach.admin.inbox) ----------------------------------


@hooks.register("register_admin_urls")
def register_inbox_urls():
    from django.urls import include, path

    from .admin import inbox

    return [path("outreach/requests/", include(inbox.urlpatterns))]


@hooks.register("register_outreach_menu_item")
def register_inbox_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    return PermissionMenuItem(
        gettext_lazy("Consultation requests"),
        reverse("outreach_requests"),
        name="outreach-requests",
        icon_name="mail",
        order=100,
        permissions=(access.HANDLE_REQUESTS,),
    )


# Cases, contact log, support plans (outreach.admin.cases) -----------------------------------------

# The "Outreach" group of the admin menu (アウトリーチ). Each section adds its item with
# `@hooks.register("register_outreach_menu_item")`, a PermissionMenuItem at its order: the
# requests inbox 100, cases 200, referrals 300, the committee's review 400, figures 500. The
# group shows when one of its items does.


@hooks.register("register_admin_menu_item")
def register_outreach_menu():
    from django.utils.translation import gettext_lazy
    from wagtail.admin.menu import Menu, SubmenuMenuItem

    return SubmenuMenuItem(
        gettext_lazy("Outreach"),
        Menu(register_hook_name="register_outreach_menu_item"),
        name="outreach",
        icon_name="group",
        order=130,
    )


@hooks.register("register_admin_urls")
def register_case_urls():
    """Cases, referrals and the committee's review: outreach.admin.urls."""
    from django.urls import include, path

    return [path("outreach/", include("outreach.admin.urls"))]


@hooks.register("register_outreach_menu_item")
def register_cases_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    return PermissionMenuItem(
        gettext_lazy("Cases"),
        reverse("outreach_cases"),
        name="outreach-cases",
        icon_name="folder-open-inverse",
        order=200,
        permissions=(access.WORK_CASES, access.SEE_ALL),
    )


@hooks.register("construct_homepage_panels")
def add_cases_due_panel(request, panels):
    from .admin.cases import add_due_panel

    add_due_panel(request, panels)


# Referrals from schools (outreach.admin.referrals) ------------------------------------------------


@hooks.register("register_outreach_menu_item")
def register_referrals_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    return PermissionMenuItem(
        gettext_lazy("Referrals"),
        reverse("outreach_referrals"),
        name="outreach-referrals",
        icon_name="mail",
        order=300,
        permissions=(access.REFER, access.SEE_ALL),
    )


# The committee's review and meetings (outreach.admin.committee) -----------------------------------


@hooks.register("register_outreach_menu_item")
def register_review_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    return PermissionMenuItem(
        gettext_lazy("Committee review"),
        reverse("outreach_review"),
        name="outreach-review",
        icon_name="tasks",
        order=400,
        permissions=(access.REVIEW,),
    )


# Figures (outreach.admin.figures) -----------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_figures_urls():
    from django.urls import path

    from .admin.figures import OutreachFiguresView

    return [
        path("reports/outreach/", OutreachFiguresView.as_view(), name="outreach_figures"),
    ]


@hooks.register("register_reports_menu_item")
def register_figures_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    return PermissionMenuItem(
        gettext_lazy("Outreach"),
        reverse("outreach_figures"),
        name="outreach-figures",
        icon_name="table",
        order=60,
        permissions=("outreach.view_outreach_report",),
    )
