"""The outreach figures in the Wagtail admin (Reports → Outreach), for coordinators, the
committee and the leads (`outreach.view_outreach_report`).

Counts only, from `outreach.services.figures.fiscal_year_figures`. A lead, who already sees every
case, reads them exact; anybody else reads every breakdown cell below 3 as "<3". Export
(`?export=csv|xlsx`, and `&encoding=cp932` for Shift_JIS: `core.reports`) gives one sheet
with a section and a dimension column, in the reader's language, and is audited."""

from django.core.exceptions import PermissionDenied
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Site

from core.reports import FiscalYearReportView
from core.time import month_label

from .. import access
from ..models import ConsultationRequest
from ..services.figures import fiscal_year_figures, log_figures_export, suppressed

SECTIONS = (
    ("requests", "month", gettext_lazy("New consultation requests by month")),
    ("requests", "source", gettext_lazy("New consultation requests by source")),
    ("requests", "channel", gettext_lazy("New consultation requests by channel")),
    ("requests", "writer", gettext_lazy("New consultation requests by who wrote")),
    ("outreach", "contact_kind", gettext_lazy("Outreach contacts by kind")),
    ("cases", "found_via", gettext_lazy("New cases by how they were found")),
    ("cases", "situation", gettext_lazy("Cases by situation")),
    ("cases", "status", gettext_lazy("Cases by where they stand")),
    ("referrals", "school", gettext_lazy("Referrals by school")),
)


class OutreachFiguresView(FiscalYearReportView):
    template_name = "outreach/admin/figures.html"
    page_title = gettext_lazy("Outreach figures")
    header_icon = "table"
    index_url_name = "outreach_figures"
    export_filename = "outreach-figures"
    list_export = ["fiscal_year", "section", "key", "label", "count", "accepted"]
    export_headings = {
        "fiscal_year": gettext_lazy("Fiscal year"),
        "section": gettext_lazy("Section"),
        "key": gettext_lazy("Key"),
        "label": gettext_lazy("Label"),
        "count": gettext_lazy("Count"),
        "accepted": gettext_lazy("Accepted"),
    }

    def dispatch(self, request, *args, **kwargs):
        if not access.may_see_figures(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def year_error_message(self, value: str) -> str:
        return _(
            "There are no figures for the fiscal year “%(value)s”. Showing fiscal year %(year)s."
        ) % {"value": value, "year": self.current_year}

    @cached_property
    def exact(self) -> bool:
        return access.is_lead(self.request.user)

    @cached_property
    def figures(self) -> dict:
        figures = fiscal_year_figures(self.fiscal_year, today=self.today)
        return figures if self.exact else suppressed(figures)

    def get_queryset(self):
        return self.export_rows()

    def sections(self) -> list[dict]:
        figures = self.figures
        result = []
        for group, dimension, heading in SECTIONS:
            rows = figures[group][dimension]
            if dimension == "month":
                rows = [{**row, "label": month_label(row["key"])} for row in rows]
            result.append(
                {
                    "slug": f"{group}-{dimension}",
                    "heading": str(heading),
                    "rows": [{**row, "label": str(row["label"])} for row in rows],
                    "with_accepted": dimension == "school",
                }
            )
        return result

    def export_rows(self) -> list[dict]:
        figures = self.figures
        rows = [
            {
                "section": _("New consultation requests"),
                "key": "total",
                "label": _("Whole year"),
                "count": figures["requests"]["total"],
            },
            {
                "section": _("People reached by outreach"),
                "key": "total",
                "label": _("Whole year"),
                "count": figures["outreach"]["people_reached"],
            },
            {
                "section": _("Outreach contacts"),
                "key": "total",
                "label": _("Whole year"),
                "count": figures["outreach"]["contacts"],
            },
            {
                "section": _("Cases supported"),
                "key": "total",
                "label": _("Whole year"),
                "count": figures["cases"]["active"],
            },
            {
                "section": _("Referrals from schools"),
                "key": "total",
                "label": _("Whole year"),
                "count": figures["referrals"]["total"],
            },
        ]
        for section in self.sections():
            for row in section["rows"]:
                rows.append(
                    {
                        "section": section["heading"],
                        "key": str(row["key"]),
                        "label": row["label"],
                        "count": row["count"],
                        "accepted": row.get("accepted", ""),
                    }
                )
        for row in rows:
            row["fiscal_year"] = self.fiscal_year
            row.setdefault("accepted", "")
        return rows

    def render_to_response(self, context, **response_kwargs):
        if self.is_export:
            log_figures_export(
                self.fiscal_year,
                self.request.GET["export"],
                encoding=self.audited_encoding,
                target=Site.find_for_request(self.request) or self.request.user,
                by=self.request.user,
                now=self.now,
            )
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        if self.is_export:
            return context
        first = (
            ConsultationRequest.objects.order_by("fiscal_year")
            .values_list("fiscal_year", flat=True)
            .first()
        )
        context.update(
            {
                "fiscal_year": self.fiscal_year,
                "year_choices": self.year_choices(first),
                "figures": self.figures,
                "exact": self.exact,
                "sections": self.sections(),
                "xlsx_url": self.xlsx_export_url,
                "csv_url": self.csv_export_url,
                "csv_cp932_url": self.csv_cp932_export_url,
            }
        )
        return context
