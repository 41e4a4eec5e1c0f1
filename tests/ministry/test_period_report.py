"""`attendance.services.reports.period_report`: the figures of some days of one fiscal year,
for the whole year and the mid-year cut-off, against the hand-counted history."""

import datetime as dt

import pytest

from attendance.services.reports import fiscal_year_report, period_report

from .conftest import EXPECTED, MID, MID_BEFORE, NOW, YEAR, YEAR_BEFORE

pytestmark = pytest.mark.django_db

HEADLINE_KEYS = [
    "unique_participants",
    "total_visits",
    "continuing_participants",
    "new_participants",
    "no_shows",
]
OUTCOME_KEYS = [
    "took_equivalency_exam",
    "passed_equivalency_exam",
    "employed",
    "returned_to_school",
    "further_education",
    "continuing_consultation",
]


def figures(report: dict) -> dict:
    return {
        "headline": [report[key] for key in HEADLINE_KEYS]
        + [report["outcomes"][key] for key in OUTCOME_KEYS],
        **{
            dim: [(row["visits"], row["unique"]) for row in report["breakdown"][dim]]
            for dim in ("month", "kind", "school")
        },
    }


@pytest.mark.parametrize("period", [MID, MID_BEFORE, YEAR, YEAR_BEFORE], ids=str)
def test_every_figure_of_the_period(report_data, period):
    report = period_report(*period, now=NOW)
    assert figures(report) == EXPECTED[period]
    assert (report["first_day"], report["last_day"]) == period
    assert report["outcomes_cover"] == "fiscal_year"


def test_mid_year_lists_only_the_months_of_the_period(report_data):
    report = period_report(*MID, now=NOW)
    assert list(report["by_month"]) == [f"2026-{m:02d}" for m in range(4, 10)]
    assert list(report["by_month"].values()) == [2, 1, 0, 1, 0, 1]
    assert report["by_school"] == {"益田高校": 3, "翔陽高校": 1, "none": 1}


def test_the_whole_year_is_the_fiscal_year_report(report_data):
    whole = period_report(*YEAR, now=NOW)
    assert {
        k: v for k, v in whole.items() if k not in ("first_day", "last_day", "outcomes_cover")
    } == (fiscal_year_report(2026, now=NOW))


def test_a_period_inside_a_month_counts_its_days_only(report_data):
    # 10 April alone: p1's first visit of the year; 20 April is outside.
    report = period_report(dt.date(2026, 4, 5), dt.date(2026, 4, 15), now=NOW)
    assert figures(report)["headline"][:5] == [1, 1, 1, 0, 0]
    assert report["by_month"] == {"2026-04": 1}


def test_new_means_never_before_the_period(report_data):
    # p4's first visit ever is 1 October 2026: new in the second half, not in the first.
    second_half = period_report(dt.date(2026, 10, 1), dt.date(2027, 3, 31), now=NOW)
    assert second_half["unique_participants"] == 3  # p1, p3, p4
    assert second_half["new_participants"] == 1
    assert second_half["continuing_participants"] == 1  # p1
    assert [row["new"] for row in second_half["breakdown"]["month"]] == [1, 0, 0, 0, 0, 0]
