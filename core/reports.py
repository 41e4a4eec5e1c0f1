"""What every yearly report in the admin shares (the attendance report, the outreach figures):
a fiscal year chosen by `?fiscal_year=` with a kind fallback, exports named by year, and CSV
cells that Excel reads in Japanese and never runs as formulas. Built on Wagtail's `ReportView`,
whose `SpreadsheetExportMixin` makes the CSV and XLSX.

The CSV comes in two encodings. UTF-8 with a byte-order mark (the default) keeps every
character and opens in current Excel; `?export=csv&encoding=cp932` gives Shift_JIS (Microsoft's
CP932), which older Japanese Excel opens without the import dialog. A character CP932 lacks is
first mapped to the one Windows uses for it (the em dash — to ―), then NFKC-normalised (㋿ →
令和), and what still cannot be written becomes "?": a name loses a rare kanji (𠮷 → ?), never
the whole file."""

import codecs
import unicodedata

from django.contrib import messages
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets.button import Button

from .spreadsheets import neutralise_cell
from .time import fiscal_year_of, local_date

EARLIEST_FISCAL_YEAR = 2000

UTF8 = "utf-8"
CP932 = "cp932"
# Python's CP932 codec already writes the wave dash 〜 and the minus − as Windows does; these
# it refuses have a Windows look-alike.
CP932_SUBSTITUTES = {
    "\u2014": "\u2015",  # — em dash → ―
    "\u00a6": "\uffe4",  # ¦ → ￤
}


def _cp932_fallback(error: UnicodeEncodeError) -> tuple[str, int]:
    replacement = []
    for char in error.object[error.start : error.end]:
        for candidate in (CP932_SUBSTITUTES.get(char, char), unicodedata.normalize("NFKC", char)):
            try:
                candidate.encode(CP932)
            except UnicodeEncodeError:
                continue
            replacement.append(candidate)
            break
        else:
            replacement.append("?")
    return "".join(replacement), error.end


codecs.register_error("manabiba-cp932", _cp932_fallback)


def encode_cp932(text: str) -> bytes:
    """`text` in Shift_JIS as Japanese Excel reads it (the module's docstring says how a
    character it lacks is replaced)."""
    return text.encode(CP932, errors="manabiba-cp932")


def export_format_name(data: dict) -> str:
    """How an export's audit entry names its format: "CSV (Shift_JIS)", "CSV", "XLSX"."""
    name = str(data.get("format", "?")).upper()
    return f"{name} (Shift_JIS)" if data.get("encoding") == CP932 else name


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

    def get_export_url(self, format, encoding: str = UTF8):
        params = self.request.GET.copy()
        params["fiscal_year"] = self.fiscal_year
        params["export"] = format
        params.pop("encoding", None)
        if encoding != UTF8:
            params["encoding"] = encoding
        return self.request.path + "?" + params.urlencode()

    @property
    def csv_cp932_export_url(self):
        return self.get_export_url(self.FORMAT_CSV, CP932)

    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            Button(
                _("Download CSV (Excel, Shift_JIS)"),
                url=self.csv_cp932_export_url,
                icon_name="download",
                priority=110,
            ),
        ]

    @cached_property
    def csv_encoding(self) -> str:
        """UTF-8 unless Shift_JIS is asked for; anything else asked for is UTF-8 too."""
        return CP932 if self.request.GET.get("encoding", "").lower() == CP932 else UTF8

    def stream_csv(self, queryset):
        # Written out now, not streamed: a streamed body is rendered after the admin has
        # switched back from the user's language, and its headings would come out in another
        # language than its labels. The byte-order mark lets Excel read Japanese as UTF-8;
        # Shift_JIS has none.
        lines = list(super().stream_csv(queryset))
        if self.csv_encoding == CP932:
            # Wagtail's writer hands back each line already in UTF-8.
            return [encode_cp932(line.decode("utf-8")) for line in lines]
        return ["\ufeff", *lines]

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        if self.csv_encoding == CP932:
            response["Content-Type"] = "text/csv; charset=Shift_JIS"
            response["Content-Disposition"] = (
                f'attachment; filename="{self.get_filename()}-sjis.csv"'
            )
        return response

    @property
    def audited_encoding(self) -> str | None:
        """What the export's audit entry records as its encoding: Shift_JIS for such a CSV, and
        nothing otherwise (an entry without one is UTF-8, as every entry written before the
        choice existed is)."""
        if self.request.GET.get("export") != self.FORMAT_CSV or self.csv_encoding == UTF8:
            return None
        return self.csv_encoding

    def year_choices(self, first: int | None) -> list[int]:
        """The years to choose from, newest first, from `first` (the earliest with data)."""
        first = min(first or self.current_year, self.fiscal_year)
        last = max(self.current_year, self.fiscal_year)
        return list(range(last, first - 1, -1))

    def render_to_response(self, context, **response_kwargs):
        if not self.is_export and self.year_error:
            messages.warning(self.request, self.year_error)
        return super().render_to_response(context, **response_kwargs)
