"""What every outreach admin view shares: a permission check (any one of the view's
permissions; the rows it shows are narrowed by `outreach.access`), the clock read once per
request and passed to the services, the Wagtail admin frame, pages of a listing, and CSV files
that open safely in Excel."""

import csv
import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import View

from core.spreadsheets import neutralise_cell
from core.time import local_date

PER_PAGE = 50


class OutreachView(View):
    permissions_any: tuple[str, ...] = ()
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not any(request.user.has_perm(permission) for permission in self.permissions_any):
            raise PermissionDenied
        self.now = timezone.now()
        self.today = local_date(self.now)
        return super().dispatch(request, *args, **kwargs)

    def render(self, template: str, context: dict, *, title: str, crumbs=(), status=200):
        breadcrumbs = [{"url": reverse("wagtailadmin_home"), "label": _("Home")}, *crumbs]
        return TemplateResponse(
            self.request,
            template,
            {
                "header_title": title,
                "page_title": title,
                "header_icon": self.header_icon,
                "breadcrumbs_items": [*breadcrumbs[:-1], {**breadcrumbs[-1], "url": ""}],
                "now": self.now,
                "today": self.today,
                **context,
            },
            status=status,
        )

    def page_of(self, rows, per_page: int = PER_PAGE):
        raw = self.request.GET.get("p", "")
        number = int(raw) if raw.isascii() and raw.isdigit() else 1
        return Paginator(rows, per_page).get_page(number)


def cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return value
    return neutralise_cell(str(value))


def csv_response(filename: str, rows: Iterable[Sequence]) -> HttpResponse:
    """A CSV download: UTF-8 with a byte-order mark (Excel then reads Japanese right), every
    text cell neutralised so that none is read as a formula."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return response
