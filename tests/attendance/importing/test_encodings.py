"""Every encoding staff's files come in, told apart without asking: UTF-8, UTF-8 with Excel's
BOM, Shift_JIS / CP932 (Excel's plain "CSV"), and a clear error for anything else."""

import pytest

from attendance.models import Attendance
from attendance.services.importing import ImportFileError, import_attendance, reading
from booking.models import Participant

from .helpers import at, csv_bytes, make_schools, run, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = at(2026, 6, 10, 10)
LINES = [
    "参加者,学校,日付,区分",
    "P-0001,益田高校,2025/5/10,学習スペース",
    "P-0002,翔陽,令和7年5月11日,理科実験",
]


@pytest.mark.parametrize(
    ("encoding", "bom", "label"),
    [
        ("utf-8", False, "CSV (UTF-8)"),
        ("utf-8", True, "CSV (UTF-8 with BOM)"),
        ("cp932", False, "CSV (Shift_JIS / CP932)"),
    ],
)
def test_each_encoding_imports_the_same_visits(encoding, bom, label):
    schools = make_schools()
    data = csv_bytes(LINES, encoding=encoding, bom=bom, newline="\r\n")
    if encoding == "cp932":
        assert data != csv_bytes(LINES)  # real Shift_JIS bytes, not UTF-8

    result = import_attendance(data, now=NOW)

    assert result.file_format == label
    assert (result.rows_read, result.added, result.participants_created) == (2, 2, 2)
    visits = {
        (a.participant.reference, a.date.isoformat(), a.kind, a.school_id)
        for a in Attendance.objects.select_related("participant")
    }
    assert visits == {
        ("P-0001", "2025-05-10", "study_space", schools["masuda"].pk),
        ("P-0002", "2025-05-11", "science", schools["shoyo"].pk),
    }


def test_the_command_reads_a_cp932_file(tmp_path):
    make_schools()
    out, _err = run("import_attendance", str(write_csv(tmp_path, LINES, encoding="cp932")))
    assert "Format: CSV (Shift_JIS / CP932)" in out
    assert "Visits added: 2" in out


def test_cp932_after_many_ascii_rows_is_still_detected(monkeypatch):
    """Rows without a school are plain ASCII: detection reads on to the first chunk that is
    not, instead of calling the file UTF-8 from its first chunk."""
    make_schools()
    monkeypatch.setattr(reading, "CHUNK", 64)
    lines = ["participant,school,date,kind"]
    lines += [f"P-{n:04d},,2025-05-{n % 28 + 1:02d},science" for n in range(40)]
    lines.append("P-0999,益田高校,2025-05-10,学習相談")
    data = csv_bytes(lines, encoding="cp932")
    assert data[:64].isascii() and data[64:128].isascii()

    result = import_attendance(data, now=NOW)

    assert result.file_format == "CSV (Shift_JIS / CP932)"
    assert result.added == 41
    late = Attendance.objects.get(participant__reference="P-0999")
    assert (late.kind, late.school.name) == ("consultation", "益田高校")


def test_a_file_neither_utf8_nor_cp932_is_a_line_numbered_error():
    make_schools()
    ascii_lines = ["participant,school,date,kind", "P-0001,,2025-05-10,science"]
    data = csv_bytes(ascii_lines) + b"P-0003,\x81\x20,2025-05-12,science\n"
    with pytest.raises(ImportFileError) as caught:
        import_attendance(data, now=NOW)
    assert caught.value.errors == [
        "line 3: the file is neither UTF-8 nor Shift_JIS (CP932) text; save it from Excel as "
        "CSV or as an Excel workbook (.xlsx)"
    ]
    assert Attendance.objects.count() == 0
    assert Participant.objects.count() == 0


def test_a_utf8_file_broken_further_down_names_the_line(monkeypatch):
    make_schools()
    monkeypatch.setattr(reading, "CHUNK", 64)  # UTF-8 decided from the first chunk
    lines = LINES + ["P-0004,,2025-05-13,science"]
    data = csv_bytes(lines) + "P-0005,益田高校,2025-05-14,pbl\n".encode("cp932")
    with pytest.raises(ImportFileError) as caught:
        import_attendance(data, now=NOW)
    assert [problem.line for problem in caught.value.problems] == [5]
    assert Attendance.objects.count() == 0


def test_an_old_xls_file_is_refused_with_advice():
    with pytest.raises(ImportFileError) as caught:
        import_attendance(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, now=NOW)
    assert caught.value.errors == [
        "line 1: old Excel files (.xls) cannot be read; save it as .xlsx or as CSV"
    ]
