"""The yearly report runs a fixed number of SQL queries, whatever the size of the year: the same
at 1,000 and at 20,000 attendance rows (bench/report.py times it at 200,000)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.models import Attendance
from attendance.services.reports import fiscal_year_report
from bench.report import generate_attendance

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def queries_for(rows: int) -> tuple[int, dict]:
    counts = generate_attendance(rows, participants=300, seed=rows)
    assert counts["attendance"] == Attendance.objects.count() == rows
    with CaptureQueriesContext(connection) as queries:
        report = fiscal_year_report(2024, now=NOW)
    return len(queries), report


def test_same_number_of_queries_at_1000_and_20000_rows():
    small, small_report = queries_for(1_000)
    large, large_report = queries_for(20_000)
    assert small == large
    assert small <= 12
    # The data really grew: the middle year holds a third of the rows either way.
    assert small_report["total_visits"] == 333
    assert large_report["total_visits"] == 6_667
    assert sum(large_report["by_month"].values()) == 6_667
    assert sum(large_report["by_kind"].values()) == 6_667
    assert sum(large_report["by_school"].values()) == 6_667
    assert 0 < large_report["continuing_participants"] < large_report["unique_participants"]
    assert large_report["no_shows"] > 0
