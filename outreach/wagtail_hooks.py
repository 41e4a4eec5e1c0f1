"""Admin wiring for outreach: the requests inbox, cases, referrals, the committee's review and
the figures, each menu item shown only to the roles whose permission it needs
(`outreach.access`)."""

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core import audit as core_audit

from . import audit


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


# Cases, contact log, support plans (outreach.admin.cases) -----------------------------------------


# Referrals from schools (outreach.admin.referrals) ------------------------------------------------


# The committee's review and meetings (outreach.admin.committee) -----------------------------------


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
