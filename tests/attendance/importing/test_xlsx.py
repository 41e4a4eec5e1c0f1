"""Excel workbooks (.xlsx), streamed from the first sheet: real date cells, dates typed as
text, numbers where text was meant, Excel's habits with empty cells."""

import datetime as dt

import pytest

from attendance.models import Attendance
from attendance.services.importing import ImportFileError, import_attendance, preview_import
from booking.models import Participant

from .helpers import at, make_schools, run, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = at(2026, 6, 10, 10)


def visits() -> set[tuple[str, str, str]]:
    return {
        (a.participant.reference, a.date.isoformat(), a.kind)
        for a in Attendance.objects.select_related("participant")
    }


def test_date_cells_text_dates_and_numbers():
    make_schools()
    data = xlsx_bytes(
        [
            ["参加者番号", "学校名", "利用日", "種別"],
            ["P-0001", "益田高校", dt.datetime(2025, 5, 10), "学習スペース"],
            ["P-0001", None, dt.date(2025, 5, 11), "science"],
            ["P-0002", "翔陽", "R7.5.12", "理科実験"],
            [12, None, "2025/5/13", "オンライン学習"],  # a reference Excel turned into a number
            [13.0, None, 45790, "pbl"],  # a date cell that lost its format: day 45790
        ]
    )
    result = import_attendance(data, name="visits.xlsx", now=NOW)
    assert result.file_format == "XLSX"
    assert (result.rows_read, result.added, result.participants_created) == (5, 5, 4)
    assert visits() == {
        ("P-0001", "2025-05-10", "study_space"),
        ("P-0001", "2025-05-11", "science"),
        ("P-0002", "2025-05-12", "science"),
        ("12", "2025-05-13", "online"),
        ("13", "2025-05-13", "pbl"),
    }
    # A new participant's school is the one on their latest row (here: none on 5/11).
    assert Participant.objects.get(reference="P-0001").school is None
    assert Participant.objects.get(reference="P-0002").school.name == "翔陽高校"


def test_blank_rows_short_rows_and_trailing_empty_cells():
    make_schools()
    data = xlsx_bytes(
        [
            ["participant", "school", "date", "kind", None],
            ["P-0001", "益田高校", dt.date(2025, 5, 10), "study_space", None],
            [None, None, None, None],
            ["P-0002", None, dt.date(2025, 5, 10), "science"],
        ]
    )
    result = import_attendance(data, now=NOW)
    assert (result.rows_read, result.added) == (2, 2)


def test_problems_name_the_sheet_row():
    make_schools()
    data = xlsx_bytes(
        [
            ["参加者", "学校", "日付", "区分"],
            ["P-0001", None, dt.date(2025, 5, 10), "study_space"],
            [None, None, None, None],
            ["P-0002", None, "2025/2/30", "science"],  # row 4 of the sheet
            ["P-0003", None, dt.datetime(2030, 1, 1), "science"],  # row 5: the future
        ]
    )
    preview = preview_import(data, now=NOW)
    assert preview.problem_count == 2
    assert [(p.line, p.column, p.value) for p in preview.problems] == [
        (4, "date", "2025/2/30"),
        (5, "date", "2030-01-01"),
    ]
    assert preview.file_format == "XLSX"
    with pytest.raises(ImportFileError):
        import_attendance(data, now=NOW)
    assert Attendance.objects.count() == 0


def test_a_damaged_workbook_is_a_clear_error():
    data = xlsx_bytes([["participant", "school", "date", "kind"]])[:200]
    with pytest.raises(ImportFileError) as caught:
        import_attendance(data, now=NOW)
    assert caught.value.errors[0].startswith("line 1: the Excel file cannot be read (")


def test_the_command_imports_a_workbook(tmp_path):
    make_schools()
    path = tmp_path / "visits.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                ["participant", "school", "date", "kind"],
                ["P-0001", "翔陽高校", dt.datetime(2025, 5, 10, 0, 0), "学習相談"],
            ]
        )
    )
    out, _err = run("import_attendance", str(path))
    assert "Format: XLSX" in out
    assert "Visits added: 1" in out
    assert visits() == {("P-0001", "2025-05-10", "consultation")}
