"""`build_report_document` with exact figures: every headline figure and every breakdown of the
hand-counted history, for the whole fiscal year and the mid-year cut-off, each beside the same
days of the previous year."""

import pytest
from django.utils import translation

from ministry.services.figures import build_report_document

from .conftest import EXPECTED, MID, MID_BEFORE, NOW, YEAR, YEAR_BEFORE

pytestmark = pytest.mark.django_db

HEADLINE_LABELS = [
    "Users of learning consultation and support",
    "Total visits",
    "Continuing participants",
    "New participants",
    "No-shows",
    "Took the equivalency exam (people)",
    "Passed the equivalency exam (people)",
    "Employed (people)",
    "Returned to school (people)",
    "Went on to further education (people)",
    "Still in consultation (people)",
]
KINDS = [
    "Open study space",
    "Science experiment",
    "Fieldwork",
    "PBL project",
    "Online study",
    "Learning consultation",
]
SCHOOLS = ["益田高校", "翔陽高校", "No school"]
COLUMNS = [
    "Visits (this period)",
    "Visits (previous year)",
    "Participants (this period)",
    "Participants (previous year)",
]


def document(period, *, exact=True):
    with translation.override("en"):
        return build_report_document(*period, now=NOW, exact=exact, sections=[])


def expected_rows(labels, this, before):
    return [
        (label, [now[0], then[0], now[1], then[1]])
        for label, now, then in zip(labels, this, before, strict=True)
    ]


@pytest.mark.parametrize(
    ("period", "before", "months"),
    [
        (MID, MID_BEFORE, ["Apr", "May", "Jun", "Jul", "Aug", "Sep"]),
        (YEAR, YEAR_BEFORE, ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
                             "Jan", "Feb", "Mar"]),
    ],
    ids=["mid-year", "whole-year"],
)  # fmt: skip
def test_every_figure_beside_the_previous_year(report_data, period, before, months):
    doc = document(period)
    assert (doc.first_day, doc.last_day, doc.fiscal_year) == (*period, 2026)
    assert not doc.suppressed
    assert [(row.label, row.value, row.previous) for row in doc.headline] == list(
        zip(
            HEADLINE_LABELS, EXPECTED[period]["headline"], EXPECTED[before]["headline"], strict=True
        )
    )
    assert len(doc.breakdowns) == 3
    by_month, by_kind, by_school = doc.breakdowns
    assert [b.columns for b in doc.breakdowns] == [COLUMNS] * 3
    assert by_month.rows == expected_rows(
        months, EXPECTED[period]["month"], EXPECTED[before]["month"]
    )
    assert by_kind.rows == expected_rows(KINDS, EXPECTED[period]["kind"], EXPECTED[before]["kind"])
    assert by_school.rows == expected_rows(
        SCHOOLS, EXPECTED[period]["school"], EXPECTED[before]["school"]
    )
    assert doc.generated_at == NOW


def test_mid_year_says_how_outcomes_are_counted(report_data):
    mid, year = document(MID), document(YEAR)
    assert mid.title == "Mid-year report" and year.title == "Yearly report"
    assert len(mid.notes) == 2 and "Outcomes" in mid.notes[1]
    assert len(year.notes) == 1 and "Outcomes" not in year.notes[0]


def test_period_labels_in_english_and_japanese(report_data):
    doc = document(MID)
    assert doc.period_label == "Fiscal year 2026 (1 April 2026 – 30 September 2026)"
    assert doc.previous_label == "Fiscal year 2025 (1 April 2025 – 30 September 2025)"
    with translation.override("ja"):
        ja = build_report_document(*MID, now=NOW, exact=True, sections=[], title="中間報告")
    assert ja.title == "中間報告"
    assert ja.period_label == "令和8年度（2026年4月1日〜2026年9月30日）"
    assert ja.previous_label == "令和7年度（2025年4月1日〜2025年9月30日）"
    assert [label for label, _values in ja.breakdowns[0].rows] == [f"{m}月" for m in range(4, 10)]
