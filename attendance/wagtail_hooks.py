"""Admin wiring for attendance: the check-in desk, participants' records, the reach-out list
and the coordinators' report, each shown only to the roles whose permission it needs."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core import audit

from .imports import uploads as import_uploads
from .reports import views as report_views
from .services.retention import ANONYMISE_ACTION


@hooks.register("register_log_actions")
def register_retention_log_actions(actions):
    actions.register_action(
        ANONYMISE_ACTION, _("Anonymise participant"), _("Personal details replaced by a pseudonym")
    )


# Check-in desk and participant records (attendance.desk.views, attendance.desk.records) ----------


@hooks.register("register_log_actions")
def register_attendance_log_actions(actions):
    audit.register_actions(actions)


@hooks.register("register_admin_urls")
def register_checkin_urls():
    return [path("checkin/", include("attendance.desk.urls"))]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permissions=(), **kwargs):
        self.permissions = permissions
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return request.user.has_perms(self.permissions)


@hooks.register("register_admin_menu_item")
def register_checkin_menu_item():
    return PermissionMenuItem(
        _("Check-in"),
        reverse("checkin_home"),
        name="checkin",
        icon_name="tick-inverse",
        order=90,
        permissions=("attendance.check_in",),
    )


@hooks.register("register_admin_menu_item")
def register_reach_out_menu_item():
    return PermissionMenuItem(
        _("Reach out"),
        reverse("checkin_reach_out"),
        name="reach-out",
        icon_name="mail",
        order=125,
        permissions=("booking.view_participant",),
    )


# Coordinators' attendance report (attendance.reports.views): aggregates only ---------------------


@hooks.register("register_log_actions")
def register_report_log_actions(actions):
    report_views.register_log_actions(actions)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path(
            "reports/attendance/",
            report_views.AttendanceReportView.as_view(),
            name="attendance_report",
        )
    ]


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    return PermissionMenuItem(
        _("Attendance"),
        reverse("attendance_report"),
        name="attendance-report",
        icon_name="table",
        order=50,
        permissions=("attendance.view_reports",),
    )


# Importing attendance spreadsheets (attendance.imports): Staff and administrators only ---------


@hooks.register("register_log_actions")
def register_import_log_actions(actions):
    audit.register_actions(actions, import_uploads.ACTIONS)


@hooks.register("register_admin_urls")
def register_import_urls():
    return [path("attendance-imports/", include("attendance.imports.urls"))]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return PermissionMenuItem(
        _("Import attendance"),
        reverse("attendance_import_list"),
        name="attendance-import",
        icon_name="upload",
        order=126,
        permissions=("attendance.import_attendance",),
    )
