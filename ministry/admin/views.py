"""Reports → Ministry report: pick a fiscal year (and, for the mid-year report, a period), see
which sections of the narrative are published, and download the report as PowerPoint or PDF.

Open to whoever may read the narrative (coordinators, staff, administrators). The figures in
the file are exact for staff and administrators and suppressed for anybody else; the rule,
the audit and the file are `ministry.services.downloads.export_ministry_report`'s.
"""

from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from core.time import fiscal_year_of, local_date
from ministry.models import MinistryReport
from ministry.services import sections
from ministry.services.downloads import (
    MinistryReportError,
    ReportFile,
    export_ministry_report,
    may_see_exact_figures,
)

from .forms import MinistryReportForm

VIEW_PERMISSION = "ministry.view_ministryreport"
SNIPPET_URL = "wagtailsnippets_ministry_ministryreport"

STATE_LABELS = {
    sections.PUBLISHED: gettext_lazy("Published"),
    sections.CHANGED: gettext_lazy("Published; newer changes are not published yet"),
    sections.DRAFT: gettext_lazy("Draft only: not in the report until it is published"),
    sections.EMPTY: gettext_lazy("Empty"),
}

SHOWN_STATES = (sections.PUBLISHED, sections.CHANGED)


class MinistryReportView(View):
    template_name = "ministry/admin/report.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        now = timezone.now()
        current_year = fiscal_year_of(local_date(now))
        data = request.GET.copy()
        if not data.get("fiscal_year"):
            data["fiscal_year"] = str(current_year)
        form = MinistryReportForm(data)
        status = 200
        if form.is_valid() and form.cleaned_data["format"]:
            cleaned = form.cleaned_data
            try:
                report_file = export_ministry_report(
                    cleaned["fiscal_year"],
                    cleaned["first_day"],
                    cleaned["last_day"],
                    cleaned["format"],
                    by=request.user,
                    now=now,
                )
            except MinistryReportError as exc:
                form.add_error(None, exc.message)
                # The server lacks something (the font), not the request: say so to monitors.
                status = 503 if exc.code == "font_missing" else 200
            else:
                return file_response(report_file)
        fiscal_year = form.cleaned_data.get("fiscal_year") or current_year
        return TemplateResponse(
            request,
            self.template_name,
            self.context(form, fiscal_year),
            status=status,
        )

    def context(self, form, fiscal_year: int) -> dict:
        user = self.request.user
        report = MinistryReport.objects.filter(fiscal_year=fiscal_year).first()
        title = _("Ministry report")
        edit_url = add_url = None
        if report is not None and user.has_perm("ministry.change_ministryreport"):
            edit_url = reverse(f"{SNIPPET_URL}:edit", args=[report.pk])
        elif report is not None:
            edit_url = reverse(f"{SNIPPET_URL}:inspect", args=[report.pk])
        elif user.has_perm("ministry.add_ministryreport"):
            add_url = reverse(f"{SNIPPET_URL}:add")
        states = [
            {"title": state.title, "state": state.state, "label": str(STATE_LABELS[state.state])}
            for state in sections.section_states(report)
        ]
        return {
            "header_title": title,
            "page_title": title,
            "header_icon": "doc-full",
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": _("Home")},
                {"url": "", "label": title},
            ],
            "form": form,
            "fiscal_year": fiscal_year,
            "report": report,
            "states": states,
            "published_count": sum(s["state"] in SHOWN_STATES for s in states),
            "in_moderation": report is not None and report.workflow_in_progress,
            "edit_url": edit_url,
            "add_url": add_url,
            "exact": may_see_exact_figures(user),
        }


def file_response(report_file: ReportFile) -> HttpResponse:
    response = HttpResponse(report_file.content, content_type=report_file.content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{report_file.ascii_filename}"; '
        f"filename*=UTF-8''{quote(report_file.filename)}"
    )
    # Figures a coordinator may not see in full must not linger in a shared cache or browser.
    response["Cache-Control"] = "no-store"
    return response
