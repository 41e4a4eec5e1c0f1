"""`manage.py attendance_report`: the published JSON shape and the CSV layout, against a small
hand-computed year built from an import and two walk-ins at the fiscal-year edge (JST)."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError

from booking.models import Participant

from .helpers import HEADER, at, make_schools, make_space, run, visit_at, write_csv

pytestmark = pytest.mark.django_db

EXPECTED_2025 = {
    "fiscal_year": 2025,
    "total_visits": 5,
    "unique_participants": 3,
    "continuing_participants": 1,  # P-0001, also seen in 2024
    "new_participants": 2,  # P-0002, P-0003
    "by_month": {
        "2025-04": 2,
        "2025-05": 0,
        "2025-06": 0,
        "2025-07": 0,
        "2025-08": 0,
        "2025-09": 0,
        "2025-10": 1,
        "2025-11": 0,
        "2025-12": 0,
        "2026-01": 1,
        "2026-02": 0,
        "2026-03": 1,  # 31 March 23:30 JST
    },
    "by_kind": {
        "study_space": 2,
        "science": 1,
        "fieldwork": 0,
        "pbl": 1,
        "online": 1,
        "consultation": 0,
    },
    "by_school": {"益田高校": 2, "翔陽高校": 2, "none": 1},
}


@pytest.fixture
def year(tmp_path):
    make_schools()
    path = write_csv(
        tmp_path,
        [
            HEADER,
            "P-0001,益田高校,2024-06-01,study_space",
            "P-0001,益田高,2025-04-05,study_space",
            "P-0001,益田高校,2025-04-06,science",
            "P-0002,翔陽高校,2025-10-10,pbl",
            "P-0003,,2026-01-15,online",
        ],
    )
    run("import_attendance", str(path))
    space = make_space()
    late = visit_at(space, Participant.objects.get(reference="P-0002"), at(2026, 3, 31, 23, 30))
    early = visit_at(space, Participant.objects.get(reference="P-0003"), at(2026, 4, 1, 0, 10))
    assert (late.fiscal_year, early.fiscal_year) == (2025, 2026)


def test_json_is_exactly_the_published_shape(year):
    out, _ = run("attendance_report", "--fiscal-year", "2025", "--format", "json")
    data = json.loads(out)
    assert data == EXPECTED_2025
    assert list(data) == list(EXPECTED_2025)  # keys in the documented order
    assert list(data["by_month"]) == list(EXPECTED_2025["by_month"])
    assert list(data["by_school"]) == ["益田高校", "翔陽高校", "none"]
    assert "益田高校" in out  # ensure_ascii=False: readable Japanese


def test_the_next_year_holds_the_first_of_april_visit(year):
    out, _ = run("attendance_report", "--fiscal-year", "2026")
    data = json.loads(out)
    assert data["total_visits"] == 1
    assert data["by_month"]["2026-04"] == 1
    assert data["continuing_participants"] == 1  # P-0003 came in 2025 too
    assert data["new_participants"] == 0
    assert data["by_school"] == {"益田高校": 0, "翔陽高校": 0, "none": 1}


def test_csv_holds_the_same_figures_as_section_key_value(year):
    out, _ = run("attendance_report", "--fiscal-year", "2025", "--format", "csv")
    rows = list(csv.reader(StringIO(out)))
    assert rows[0] == ["section", "key", "value"]
    assert rows[1:6] == [
        ["summary", "fiscal_year", "2025"],
        ["summary", "total_visits", "5"],
        ["summary", "unique_participants", "3"],
        ["summary", "continuing_participants", "1"],
        ["summary", "new_participants", "2"],
    ]
    rebuilt = {}
    for section, key, value in rows[6:]:
        rebuilt.setdefault(section, {})[key] = int(value)
    assert rebuilt == {k: EXPECTED_2025[k] for k in ("by_month", "by_kind", "by_school")}
    assert len(rows) == 1 + 5 + 12 + 6 + 3


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "'abc' is not a fiscal year"),
        ("1999", "choose a fiscal year from 2000"),
        ("2999", "choose a fiscal year from 2000"),
    ],
)
def test_a_bad_fiscal_year_is_a_clear_error(db, value, message):
    with pytest.raises(CommandError, match=message):
        run("attendance_report", "--fiscal-year", value)


def test_a_bad_format_is_refused(db):
    with pytest.raises(CommandError, match="invalid choice"):
        run("attendance_report", "--fiscal-year", "2025", "--format", "xml")


def test_csv_cells_never_start_a_formula(year):
    from core.models import School

    School.objects.filter(name="益田高校").update(name="@SUM(A1:A9)")
    out, _ = run("attendance_report", "--fiscal-year", "2025", "--format", "csv")
    keys = [key for section, key, _value in csv.reader(StringIO(out)) if section == "by_school"]
    assert "'@SUM(A1:A9)" in keys
    assert not any(key.startswith(("=", "+", "-", "@")) for key in keys)


def test_neutralise_cell_keeps_numbers_and_plain_text():
    from core.spreadsheets import neutralise_cell

    assert neutralise_cell("=1+1") == "'=1+1"
    assert neutralise_cell("-5") == "'-5"
    assert neutralise_cell("\t=cmd") == "'\t=cmd"
    assert neutralise_cell("益田高校") == "益田高校"
    assert neutralise_cell(-5) == -5
    assert neutralise_cell(None) is None
