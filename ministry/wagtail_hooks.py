"""Admin wiring for the ministry report: the narrative as a snippet (drafts, moderation and
revisions like pages) and Reports → Ministry report, the page that makes the files."""

from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import UpdatedAtColumn
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .admin.views import VIEW_PERMISSION, MinistryReportView
from .models import MinistryReport
from .services.downloads import EXPORT_MINISTRY_REPORT


class MinistryReportViewSet(SnippetViewSet):
    model = MinistryReport
    icon = "doc-full"
    menu_label = gettext_lazy("Ministry report narrative")
    inspect_view_enabled = True  # coordinators read the narrative without editing it
    list_display = ["__str__", "fiscal_year", UpdatedAtColumn()]
    ordering = ["-fiscal_year"]


register_snippet(MinistryReportViewSet)


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        self.permission = permission
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("reports/ministry/", MinistryReportView.as_view(), name="ministry_report")]


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Ministry report"),
        reverse("ministry_report"),
        name="ministry-report",
        icon_name="doc-full",
        order=70,
        permission=VIEW_PERMISSION,
    )


class ExportLogFormatter(LogFormatter):
    label = gettext_lazy("Download ministry report")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return _(
            "Downloaded the ministry report of fiscal year %(year)s "
            "(%(first)s – %(last)s) as %(format)s"
        ) % {
            "year": data.get("fiscal_year", "?"),
            "first": data.get("first_day", "?"),
            "last": data.get("last_day", "?"),
            "format": str(data.get("format", "?")).upper(),
        }


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(EXPORT_MINISTRY_REPORT)(ExportLogFormatter)
