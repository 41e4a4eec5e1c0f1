"""Print a fiscal year's attendance figures, computed by the same code as the admin report.

JSON (`--format json`, the default)::

    {"fiscal_year": 2025, "total_visits": n, "unique_participants": n,
     "continuing_participants": n, "new_participants": n,
     "by_month": {"2025-04": n, ..., "2026-03": n}, "by_kind": {"study_space": n, ...},
     "by_school": {"<school name>": n, ..., "none": n}}

The breakdowns count visits. CSV (`--format csv`) holds the same figures, one per row, under the
header `section,key,value`: section "summary" with the key of each headline figure, then
sections "by_month", "by_kind" and "by_school" with the month, kind or school as key.
"""

import argparse
import csv
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from attendance.services.reports import fiscal_year_report
from core.spreadsheets import neutralise_cell
from core.time import fiscal_year_of, local_date

FIRST_FISCAL_YEAR = 2000
SUMMARY = [
    "fiscal_year",
    "total_visits",
    "unique_participants",
    "continuing_participants",
    "new_participants",
]
BREAKDOWNS = ["by_month", "by_kind", "by_school"]


def fiscal_year_argument(text: str) -> int:
    try:
        year = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a fiscal year: give the year it starts in, e.g. 2025"
        ) from None
    return year


def figures(report: dict) -> dict:
    """The published shape: the headline figures and the breakdowns of visits, in that order."""
    return {key: report[key] for key in SUMMARY + BREAKDOWNS}


class Command(BaseCommand):
    help = (
        "Print the attendance figures of a fiscal year (April to March, Asia/Tokyo) as JSON or "
        "CSV: total visits, unique, continuing and new participants, and visits by month, kind "
        "of support and school. CSV layout: section,key,value."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fiscal-year",
            type=fiscal_year_argument,
            default=None,
            help="the year the fiscal year starts in (2025 = 2025-04-01 … 2026-03-31); "
            "default: the current one",
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, fiscal_year=None, format: str = "json", **options):
        now = timezone.now()
        current = fiscal_year_of(local_date(now))
        if fiscal_year is None:
            fiscal_year = current
        if not FIRST_FISCAL_YEAR <= fiscal_year <= current:
            raise CommandError(
                f"--fiscal-year {fiscal_year}: choose a fiscal year from {FIRST_FISCAL_YEAR} to "
                f"{current} (the current one)."
            )
        data = figures(fiscal_year_report(fiscal_year, now=now))
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["section", "key", "value"])
        for key in SUMMARY:
            writer.writerow(["summary", key, data[key]])
        for section in BREAKDOWNS:
            for key, value in data[section].items():
                # Keys include school names, typed by staff: never a formula in Excel.
                writer.writerow([section, neutralise_cell(key), value])
