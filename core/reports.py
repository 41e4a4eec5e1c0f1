"""What every yearly report in the admin shares (the attendance report, the outreach figures):
a fiscal year chosen by `?fiscal_year=` with a kind fallback, exports named by year, and CSV
cells that Excel reads in Japanese and never runs as formulas. Built on Wagtail's `ReportView`,
whose `SpreadsheetExportMixin` makes the CSV and XLSX."""

from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin.views.reports import ReportView

from .spreadsheets import neutralise_cell
from .time import fiscal_year_of, local_date

EARLIEST_FISCAL_YEAR = 2000


class FiscalYearReportView(ReportView):
    """Sets `now`, `today`, `current_year`, `fiscal_year` and `year_error` before anything else
    runs. `years_ahead`: how many fiscal years after the current one may be asked for."""

    paginate_by = None
    years_ahead = 0
    # Names are typed by staff: no cell of the CSV may be read as a formula.
    custom_value_preprocess = {
        **ReportView.custom_value_preprocess,
        str: {ReportView.FORMAT_CSV: neutralise_cell},
    }

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.now = timezone.now()
        self.today = local_date(self.now)
        self.current_year = fiscal_year_of(self.today)
        self.fiscal_year, self.year_error = self.parse_fiscal_year(request.GET.get("fiscal_year"))

    def year_error_message(self, value: str) -> str:
        return _(
            "There is no report for the fiscal year “%(value)s”. Showing fiscal year %(year)s."
        ) % {"value": value, "year": self.current_year}

    def parse_fiscal_year(self, raw: str | None) -> tuple[int, str]:
        """A bad or far-off year falls back to the current one, with a message."""
        if raw in (None, ""):
            return self.current_year, ""
        raw = raw.strip()
        if raw.isascii() and raw.isdigit():
            year = int(raw)
            if EARLIEST_FISCAL_YEAR <= year <= self.current_year + self.years_ahead:
                return year, ""
        return self.current_year, self.year_error_message(raw[:20])

    def get_page_subtitle(self):
        return _("Fiscal year %(year)s") % {"year": self.fiscal_year}

    def get_filename(self):
        return f"{self.export_filename}-{self.fiscal_year}"

    def get_export_url(self, format):
        params = self.request.GET.copy()
        params["fiscal_year"] = self.fiscal_year
        params["export"] = format
        return self.request.path + "?" + params.urlencode()

    def stream_csv(self, queryset):
        # Written out now, not streamed: a streamed body is rendered after the admin has
        # switched back from the user's language, and its headings would come out in another
        # language than its labels. The byte-order mark lets Excel read Japanese as UTF-8.
        return ["\ufeff", *super().stream_csv(queryset)]

    def year_choices(self, first: int | None) -> list[int]:
        """The years to choose from, newest first, from `first` (the earliest with data)."""
        first = min(first or self.current_year, self.fiscal_year)
        last = max(self.current_year, self.fiscal_year)
        return list(range(last, first - 1, -1))

    def render_to_response(self, context, **response_kwargs):
        if not self.is_export and self.year_error:
            messages.warning(self.request, self.year_error)
        return super().render_to_response(context, **response_kwargs)
