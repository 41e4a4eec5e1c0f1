"""Admin wiring for booking: study spaces with their opening hours (a snippet), closures and
participants. The views live in `booking.admin_views`."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .admin_views import (
    ClosurePermissionPolicy,
    ClosureViewSet,
    ParticipantViewSet,
    StudySpaceViewSet,
    apply_hours_after_save,
)
from .models import Closure

register_permission_policy(Closure, ClosurePermissionPolicy(Closure))
register_snippet(StudySpaceViewSet)

hooks.register("after_create_snippet", apply_hours_after_save)
hooks.register("after_edit_snippet", apply_hours_after_save)


@hooks.register("register_admin_viewset")
def register_closure_viewset():
    return ClosureViewSet()


@hooks.register("register_admin_viewset")
def register_participant_viewset():
    return ParticipantViewSet()


@hooks.register("register_log_actions")
def register_retention_log_actions(actions):
    from .services.retention import ANONYMISE_ACTION

    actions.register_action(
        ANONYMISE_ACTION, _("Anonymise participant"), _("Personal details replaced by a pseudonym")
    )


# Check-in desk and participant records (booking.checkin_views, booking.record_views) ----------


@hooks.register("register_log_actions")
def register_attendance_log_actions(actions):
    from . import audit

    audit.register_actions(actions)


@hooks.register("register_admin_urls")
def register_checkin_urls():
    from django.urls import include, path

    return [path("checkin/", include("booking.checkin_urls"))]


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
        permissions=("booking.check_in",),
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


# Coordinators' attendance report (booking.report_views): aggregates only ---------------------


@hooks.register("register_log_actions")
def register_report_log_actions(actions):
    from . import report_views

    report_views.register_log_actions(actions)


@hooks.register("register_admin_urls")
def register_report_urls():
    from django.urls import path

    from .report_views import AttendanceReportView

    return [path("reports/attendance/", AttendanceReportView.as_view(), name="attendance_report")]


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    return PermissionMenuItem(
        _("Attendance"),
        reverse("attendance_report"),
        name="attendance-report",
        icon_name="table",
        order=50,
        permissions=("booking.view_reports",),
    )
