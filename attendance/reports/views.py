"""The coordinators' attendance report in the Wagtail admin (Reports → Attendance).

One page per fiscal year: the headline totals, the outcome counts and a table per breakdown
(month, kind of support, school), each beside a bar chart drawn on the server. Every figure
comes from `attendance.services.reports.fiscal_year_report`, the same code as
`manage.py attendance_report`, so the two cannot disagree.

Export (`?export=csv` / `?export=xlsx`, Wagtail's `SpreadsheetExportMixin`) gives the whole
report as ONE sheet with a `dimension` column: a `total` row, then the `month`, `kind` and
`school` rows, then one `outcome` row per outcome whose count of participants is in the
"unique participants" column. One file keeps every figure of the year together for the
ministry's report and is easy to filter in Excel. Every export is written to Wagtail's audit
log with the fiscal year, format and encoding, and nothing personal.

Staff read every figure exact; coordinators read the breakdowns with small cells suppressed, on
the page, in its charts and in both exports alike (`suppression.sees_exact_figures`).

Aggregates only: nothing here names, or links to, a participant.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils.dates import MONTHS_3
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import LogFormatter
from wagtail.models import Site

from attendance.models import Attendance, Outcome
from attendance.services.reports import (
    NONE_SCHOOL,
    log_report_export,
    shared_fiscal_year_report,
)
from core.audit import EXPORT_REPORT
from core.reports import FiscalYearReportView, export_format_name
from programs.kinds import SupportKind

from .charts import horizontal_bars, vertical_bars
from .suppression import sees_exact_figures, suppressed_report

REPORT_PERMISSION = "attendance.view_reports"

FIGURES = (
    "visits",
    "unique",
    "continuing",
    "new",
    "no_shows",
    "attended_in_slots",
    "capacity",
    "seat_use_rate",
)


class ExportLogFormatter(LogFormatter):
    label = gettext_lazy("Export report")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return _("Exported the attendance report of fiscal year %(year)s as %(format)s") % {
            "year": data.get("fiscal_year", "?"),
            "format": export_format_name(data),
        }


def register_log_actions(actions) -> None:
    """The `register_log_actions` hook."""
    actions.register_action(EXPORT_REPORT)(ExportLogFormatter)


def kind_label(key: str) -> str:
    try:
        return str(SupportKind(key).label)
    except ValueError:
        return key


def school_label(key: str) -> str:
    return _("No school") if key == NONE_SCHOOL else key


def month_label(key: str) -> str:
    year, month = (int(part) for part in key.split("-"))
    return date_format(dt.date(year, month, 1), "YEAR_MONTH_FORMAT")


def month_short(key: str) -> str:
    return capfirst(str(MONTHS_3[int(key.split("-")[1])]))


LABELS = {"month": month_label, "kind": kind_label, "school": school_label}
# What the export's 区分 (dimension) column says, in the reader's language; the key column next
# to it stays machine-readable (`2026-05`, `study_space`, a school's name).
DIMENSION_LABELS = {
    "total": gettext_lazy("Whole year"),
    "month": gettext_lazy("Month"),
    "kind": gettext_lazy("Kind of support"),
    "school": gettext_lazy("School"),
    "outcome": gettext_lazy("Outcome"),
}


def outcome_labels() -> dict:
    return {flag: capfirst(Outcome._meta.get_field(flag).verbose_name) for flag in Outcome.FLAGS}


class AttendanceReportView(FiscalYearReportView):
    template_name = "attendance/reports/attendance_report.html"
    page_title = gettext_lazy("Attendance report")
    header_icon = "table"
    index_url_name = "attendance_report"
    export_filename = "attendance-report"
    # Next year's report may be opened before 1 April (its first months are planned).
    years_ahead = 1

    list_export = ["fiscal_year", "dimension", "key", "label", *FIGURES]
    export_headings = {
        "fiscal_year": gettext_lazy("Fiscal year"),
        "dimension": gettext_lazy("Dimension"),
        "key": gettext_lazy("Key"),
        "label": gettext_lazy("Label"),
        "visits": gettext_lazy("Total visits"),
        "unique": gettext_lazy("Unique participants"),
        "continuing": gettext_lazy("Continuing participants"),
        "new": gettext_lazy("New participants"),
        "no_shows": gettext_lazy("No-shows"),
        "attended_in_slots": gettext_lazy("Attended (seat use)"),
        "capacity": gettext_lazy("Places (seat use)"),
        "seat_use_rate": gettext_lazy("Seat use rate"),
    }

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(REPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def exact(self) -> bool:
        return sees_exact_figures(self.request.user)

    @cached_property
    def report(self) -> dict:
        """The year's figures as this reader may see them (every figure below reads this)."""
        # Shared between readers until a visit, booking or school changes (or a minute passes).
        report = shared_fiscal_year_report(self.fiscal_year, now=self.now)
        return report if self.exact else suppressed_report(report)

    def get_queryset(self):
        return self.export_rows()

    def export_rows(self) -> list[dict]:
        report = self.report
        seat_use = report["seat_use"]
        rows = [
            {
                "dimension": "total",
                "key": "total",
                "label": _("Whole year"),
                "visits": report["total_visits"],
                "unique": report["unique_participants"],
                "continuing": report["continuing_participants"],
                "new": report["new_participants"],
                "no_shows": report["no_shows"],
                "attended_in_slots": seat_use["attended"],
                "capacity": seat_use["capacity"],
                "seat_use_rate": seat_use["rate"],
            }
        ]
        for dimension, label in LABELS.items():
            for row in report["breakdown"][dimension]:
                rows.append(
                    {
                        "dimension": dimension,
                        "label": label(row["key"]),
                        **{name: row[name] for name in ("key", *FIGURES)},
                    }
                )
        labels = outcome_labels()
        for flag, count in report["outcomes"].items():
            rows.append(
                {
                    **dict.fromkeys(FIGURES),
                    "dimension": "outcome",
                    "key": flag,
                    "label": str(labels[flag]),
                    "unique": count,
                }
            )
        for row in rows:
            row["fiscal_year"] = self.fiscal_year
            row["dimension"] = str(DIMENSION_LABELS[row["dimension"]])
        return rows

    def render_to_response(self, context, **response_kwargs):
        if self.is_export:
            log_report_export(
                self.fiscal_year,
                self.request.GET["export"],
                encoding=self.audited_encoding,
                site=Site.find_for_request(self.request),
                by=self.request.user,
                now=self.now,
            )
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        if self.is_export:
            return context
        report = self.report
        labels = outcome_labels()
        context.update(
            {
                "fiscal_year": self.fiscal_year,
                "year_choices": self.year_choices(
                    Attendance.objects.order_by("fiscal_year")
                    .values_list("fiscal_year", flat=True)
                    .first()
                ),
                "report": report,
                "exact": self.exact,
                "year_error": self.year_error,
                "outcomes": [(labels[flag], n) for flag, n in report["outcomes"].items()],
                "sections": self.sections(report),
                "xlsx_url": self.xlsx_export_url,
                "csv_url": self.csv_export_url,
                "csv_cp932_url": self.csv_cp932_export_url,
            }
        )
        return context

    def sections(self, report: dict) -> list[dict]:
        rows = report["breakdown"]
        described = _("Bar chart of visits; the numbers are in the table beside it.")
        return [
            {
                "slug": "month",
                "heading": _("By month"),
                "key_heading": _("Month"),
                "rows": [{**row, "label": month_label(row["key"])} for row in rows["month"]],
                "chart": vertical_bars(
                    "month",
                    _("Visits per month, fiscal year %(year)s") % {"year": self.fiscal_year},
                    described,
                    [(month_short(row["key"]), row["visits"]) for row in rows["month"]],
                ),
            },
            {
                "slug": "kind",
                "heading": _("By kind of support"),
                "key_heading": _("Kind of support"),
                "rows": [{**row, "label": kind_label(row["key"])} for row in rows["kind"]],
                "chart": horizontal_bars(
                    "kind",
                    _("Visits per kind of support, fiscal year %(year)s")
                    % {"year": self.fiscal_year},
                    described,
                    [(kind_label(row["key"]), row["visits"]) for row in rows["kind"]],
                ),
            },
            {
                "slug": "school",
                "heading": _("By school"),
                "key_heading": _("School"),
                "rows": [{**row, "label": school_label(row["key"])} for row in rows["school"]],
                "chart": horizontal_bars(
                    "school",
                    _("Visits per school, fiscal year %(year)s") % {"year": self.fiscal_year},
                    described,
                    [(school_label(row["key"]), row["visits"]) for row in rows["school"]],
                ),
            },
        ]
