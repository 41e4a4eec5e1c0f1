"""Making the ministry report's file (PowerPoint or PDF) for one period, and auditing it.

The admin's download button calls `export_ministry_report`; it checks the period, puts the
published narrative and the period's figures into one document, builds the file and writes the
audit entry, so a download from anywhere is checked and logged the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Site

from core import audit
from core.time import fiscal_year_bounds, fiscal_year_of
from ministry import documents
from ministry.documents.fonts import FontMissing
from ministry.models import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, MinistryReport

from .figures import build_report_document, period_within_fiscal_year
from .sections import report_sections

EXPORT_MINISTRY_REPORT = "manabiba.export_ministry_report"

# Staff and administrators read exact figures; anybody else (coordinators) reads breakdowns with
# small counts suppressed, as in the other reports.
EXACT_FIGURES_PERMISSION = "booking.view_participant"

FORMATS = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}

FONT_PACKAGE = "fonts-ipaexfont-gothic"

MESSAGES = {
    "year": gettext_lazy("Choose a fiscal year between %(first)s and %(last)s."),
    "period": gettext_lazy(
        "The period must lie inside fiscal year %(year)s (%(first)s – %(last)s): a report "
        "cannot cross 1 April."
    ),
    "order": gettext_lazy("The start of the period must not be after its end."),
    "format": gettext_lazy("Choose PowerPoint or PDF."),
    "font_missing": gettext_lazy(
        "The PDF cannot be made: the Japanese font is not installed on the server. Ask the "
        "administrator to install the package %(package)s. The PowerPoint file can still be "
        "downloaded."
    ),
}


class MinistryReportError(Exception):
    """Why a report cannot be made, with a stable `code` (a key of MESSAGES)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    filename: str  # in the reader's language
    ascii_filename: str  # for clients that do not read RFC 6266's filename*
    content_type: str


def checked_period(
    fiscal_year: int, first_day: dt.date | None, last_day: dt.date | None
) -> tuple[dt.date, dt.date]:
    """The period to report, inside `fiscal_year`: the whole year by default, or up to a
    cut-off such as 30 September for the mid-year report. Raises MinistryReportError."""
    if not FIRST_FISCAL_YEAR <= fiscal_year <= LAST_FISCAL_YEAR:
        raise MinistryReportError(
            "year", MESSAGES["year"] % {"first": FIRST_FISCAL_YEAR, "last": LAST_FISCAL_YEAR}
        )
    year_start, year_end = fiscal_year_bounds(fiscal_year)
    first_day, last_day = first_day or year_start, last_day or year_end
    if first_day > last_day:
        raise MinistryReportError("order", str(MESSAGES["order"]))
    if fiscal_year_of(first_day) != fiscal_year or fiscal_year_of(last_day) != fiscal_year:
        raise MinistryReportError(
            "period",
            MESSAGES["period"]
            % {"year": fiscal_year, "first": year_start.isoformat(), "last": year_end.isoformat()},
        )
    try:
        period_within_fiscal_year(first_day, last_day)
    except ValueError as exc:
        raise MinistryReportError("period", str(exc)) from exc
    return first_day, last_day


def may_see_exact_figures(user) -> bool:
    return user.has_perm(EXACT_FIGURES_PERMISSION)


def export_ministry_report(
    fiscal_year: int,
    first_day: dt.date | None,
    last_day: dt.date | None,
    file_format: str,
    *,
    by,
    now: dt.datetime,
) -> ReportFile:
    """The report's file for `by`, with the published narrative of the year and the figures of
    the period (exact or suppressed, as `by` may see them); audited once the file is made.
    Raises MinistryReportError for a bad period or format, or when the PDF's font is missing."""
    if file_format not in FORMATS:
        raise MinistryReportError("format", str(MESSAGES["format"]))
    first_day, last_day = checked_period(fiscal_year, first_day, last_day)
    report = MinistryReport.objects.filter(fiscal_year=fiscal_year).first()
    document = build_report_document(
        first_day,
        last_day,
        now=now,
        exact=may_see_exact_figures(by),
        sections=report_sections(report),
    )
    try:
        # The package loads each builder (python-pptx, reportlab) on first use.
        build = documents.build_pptx if file_format == "pptx" else documents.build_pdf
        content = build(document)
    except FontMissing as exc:
        raise MinistryReportError(
            "font_missing", MESSAGES["font_missing"] % {"package": FONT_PACKAGE}
        ) from exc
    log_ministry_report_export(fiscal_year, first_day, last_day, file_format, by=by, now=now)
    return ReportFile(
        content=content,
        filename=report_filename(fiscal_year, first_day, last_day, file_format),
        ascii_filename=report_filename(
            fiscal_year, first_day, last_day, file_format, translate=False
        ),
        content_type=FORMATS[file_format],
    )


def report_filename(
    fiscal_year: int, first_day: dt.date, last_day: dt.date, file_format: str, *, translate=True
) -> str:
    """「文部科学省への報告_2026年度.pdf」, with the period when it is not the whole year."""
    stem = (_("ministry-report-%(year)s") if translate else "ministry-report-%(year)s") % {
        "year": fiscal_year
    }
    if (first_day, last_day) != fiscal_year_bounds(fiscal_year):
        stem += f"_{first_day:%Y%m%d}-{last_day:%Y%m%d}"
    return f"{stem}.{file_format}"


def log_ministry_report_export(
    fiscal_year: int,
    first_day: dt.date,
    last_day: dt.date,
    file_format: str,
    *,
    by,
    now: dt.datetime,
):
    """The year, the period and the format, nothing personal. The entry hangs off the site:
    the report is about the whole programme, not a person."""
    target = Site.objects.filter(is_default_site=True).first() or by
    return audit.log_action(
        target,
        EXPORT_MINISTRY_REPORT,
        by=by,
        now=now,
        title=_("Ministry report %(year)s") % {"year": fiscal_year},
        data={
            "report": "ministry",
            "fiscal_year": fiscal_year,
            "first_day": first_day.isoformat(),
            "last_day": last_day.isoformat(),
            "format": file_format,
        },
    )
