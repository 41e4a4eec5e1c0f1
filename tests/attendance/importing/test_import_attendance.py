"""`manage.py import_attendance`: good files, BOM, every kind of bad row, idempotency,
progress."""

import datetime as dt

import pytest
from django.core.management import CommandError

from attendance.models import Attendance
from attendance.services.importing import ImportFileError, import_attendance
from booking.models import Participant

from .helpers import HEADER, at, make_schools, make_space, run, visit_at, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

GOOD = [
    HEADER,
    "P-0001,益田高校,2025-04-01,study_space",
    "P-0001,益田高校,2025-04-02,science",
    "P-0002,翔陽,2025-05-10,fieldwork",  # short name
    "P-0003,,2025-06-01,online",  # no school
    "P-0003,,2026-03-31,consultation",
    "P-0002,翔陽高校,2026-03-31,pbl",
]


def test_good_file_imports_every_row_and_creates_participants(tmp_path):
    schools = make_schools()
    existing = Participant.objects.create(reference="P-0001", nickname="はな", school=None)

    out, _err = run("import_attendance", str(write_csv(tmp_path, GOOD)))

    assert Attendance.objects.count() == 6
    assert "Format: CSV (UTF-8)" in out
    assert "Rows read: 6" in out
    assert "Visits added: 6" in out
    assert "Already present: 0" in out
    assert "Participants created: 2" in out

    existing.refresh_from_db()
    assert existing.nickname == "はな" and existing.school is None  # known people unchanged
    p2 = Participant.objects.get(reference="P-0002")
    p3 = Participant.objects.get(reference="P-0003")
    assert (p2.nickname, p2.school) == ("P-0002", schools["shoyo"])
    assert (p3.nickname, p3.school, p3.user) == ("P-0003", None, None)

    rows = {
        (a.participant.reference, a.date.isoformat(), a.kind): a
        for a in Attendance.objects.select_related("participant")
    }
    first = rows[("P-0001", "2025-04-01", "study_space")]
    assert first.school == schools["masuda"]
    assert (first.fiscal_year, first.month, first.source) == (2025, 202504, "import")
    assert first.recorded_at is not None
    assert rows[("P-0002", "2025-05-10", "fieldwork")].school == schools["shoyo"]
    assert rows[("P-0003", "2025-06-01", "online")].school is None
    late = rows[("P-0003", "2026-03-31", "consultation")]
    assert (late.fiscal_year, late.month) == (2025, 202603)


def test_importing_twice_adds_nothing(tmp_path):
    make_schools()
    path = write_csv(tmp_path, GOOD)
    run("import_attendance", str(path))
    out, _ = run("import_attendance", str(path))
    assert Attendance.objects.count() == 6
    assert Participant.objects.count() == 3
    assert "Visits added: 0" in out
    assert "Already present: 6" in out
    assert "Participants created: 0" in out


def test_a_visit_recorded_at_the_desk_is_already_present(tmp_path):
    make_schools()
    space = make_space()
    p = Participant.objects.create(reference="P-0009", nickname="そら")
    visit_at(space, p, at(2025, 7, 1, 16))
    out, _ = run(
        "import_attendance",
        str(write_csv(tmp_path, [HEADER, "P-0009,,2025-07-01,study_space"])),
    )
    assert "Already present: 1" in out
    assert Attendance.objects.count() == 1


def test_duplicate_rows_in_a_file_count_once(tmp_path):
    make_schools()
    path = write_csv(
        tmp_path,
        [
            HEADER,
            "P-0001,,2025-04-01,science",
            "P-0001,,2025-04-01,science",
            " P-0001 , ,2025-04-01, science",
        ],
    )
    out, _ = run("import_attendance", str(path))
    assert Attendance.objects.count() == 1
    assert "Rows read: 3" in out
    assert "Duplicate rows in the file (counted once): 2" in out


def test_excel_bom_header_case_and_spaces_and_blank_lines(tmp_path):
    make_schools()
    path = write_csv(
        tmp_path,
        [" Participant , SCHOOL,Date ,kind", "P-0001,益田高校,2025-04-01,study_space", "", ""],
        bom=True,
    )
    run("import_attendance", str(path))
    assert Attendance.objects.get().participant.reference == "P-0001"


def test_crlf_line_endings_from_excel(tmp_path):
    make_schools()
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "\ufeffparticipant,school,date,kind\r\nP-0001,益田高,2025-04-01,pbl\r\n".encode()
    )
    run("import_attendance", str(path))
    assert Attendance.objects.get().school.name == "益田高校"


def assert_nothing_imported():
    assert Attendance.objects.count() == 0
    assert Participant.objects.count() == 0


def import_error(tmp_path, lines, **kwargs) -> str:
    with pytest.raises(CommandError) as exc:
        run("import_attendance", str(write_csv(tmp_path, lines, **kwargs)))
    assert_nothing_imported()
    return str(exc.value)


def test_every_bad_row_is_named_and_nothing_is_imported(tmp_path):
    make_schools()
    message = import_error(
        tmp_path,
        [
            HEADER,
            "P-0001,益田高校,2025-04-01,study_space",  # line 2: good
            "P-0002,益田西高校,2025-04-01,study_space",  # 3
            "P-0003,,2025-02-30,science",  # 4
            "P-0004,,2025/04/31,science",  # 5
            "P-0005,,2025-04-01,karaoke",  # 6
            ",,2025-04-01,science",  # 7
            "P-0006,,2025-04-01",  # 8
            "P-0007,,2025-04-01,science,extra",  # 9
            "P-0008,,2999-04-01,science",  # 10
            "P-" + "9" * 30 + ",,2025-04-01,science",  # 11
        ],
    )
    assert "nothing imported, 9 problem(s)" in message
    assert "line 3: unknown school '益田西高校'" in message
    assert "line 4: date '2025-02-30' is not a valid date (expected e.g. 2025-05-10" in message
    assert "line 5: date '2025/04/31' is not a valid date" in message
    assert "line 6: unknown kind 'karaoke' (expected one of: study_space (Open study space)," in (
        message
    )
    assert "line 7: participant is empty" in message
    assert "line 8: expected 4 columns (participant,school,date,kind), found 3" in message
    assert "line 9: expected 4 columns (participant,school,date,kind), found 5" in message
    assert "line 10: date '2999-04-01' is in the future" in message
    assert "line 11: participant 'P-999" in message and "longer than 20 characters" in message
    assert "line 2" not in message


@pytest.mark.parametrize(
    "header",
    ["participant,school,date", "reference,school,date,kind", "participant;school;date;kind"],
)
def test_wrong_header_names_the_expected_one(tmp_path, header):
    message = import_error(tmp_path, [header, "P-0001,,2025-04-01,science"])
    assert "line 1: expected the header 'participant,school,date,kind'" in message


def test_empty_file(tmp_path):
    message = import_error(tmp_path, [])
    assert "line 1: the file is empty; expected the header 'participant,school,date,kind'" in (
        message
    )


def test_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run("import_attendance", str(tmp_path / "nope.csv"))


def test_the_service_raises_with_every_error():
    with pytest.raises(ImportFileError) as exc:
        import_attendance(
            f"{HEADER}\nP-1,,2025-13-01,science\nP-2,,2025-04-01,x\n".encode(),
            now=at(2026, 1, 1, 9),
        )
    assert exc.value.problem_count == 2
    assert [(p.line, p.column, p.value) for p in exc.value.problems] == [
        (2, "date", "2025-13-01"),
        (3, "kind", "x"),
    ]
    assert exc.value.errors[0] == (
        "line 2: date '2025-13-01' is not a valid date (expected e.g. 2025-05-10, 2025/5/10, "
        "R7.5.10 or 令和7年5月10日)"
    )
    assert exc.value.errors[1].startswith("line 3: unknown kind 'x' (expected one of: ")


def test_large_file_shows_progress_in_a_fixed_number_of_queries(
    tmp_path, django_assert_max_num_queries
):
    make_schools()
    start = dt.date(2024, 4, 1)
    kinds = ["study_space", "science", "fieldwork", "pbl", "online", "consultation"]
    lines = [HEADER]
    for n in range(16_000):
        day = start + dt.timedelta(days=n % 700)
        lines.append(f"P-{n % 400:04d},{'益田高校' if n % 3 else ''},{day},{kinds[n % 6]}")
    path = write_csv(tmp_path, lines)
    assert path.stat().st_size > 512 * 1024  # big enough for progress lines
    unique = len(set(lines[1:]))

    # Set-based: about the same queries for 16,000 rows as for 16 (SQLite stages rows in
    # batches of 2,000; participants are created in batches of 2,000).
    with django_assert_max_num_queries(40):
        out, err = run("import_attendance", str(path))
    assert "Rows read: 16,000" in out
    assert f"Visits added: {unique:,}" in out
    assert "Participants created: 400" in out
    assert Attendance.objects.count() == unique
    # One line per tenth of the file (bytes are read 64 KiB at a time: 51 % rather than 50).
    checked = [int(line.split()[1].rstrip("%")) for line in err.splitlines() if "checked" in line]
    assert len(checked) == 11
    assert [percent // 10 for percent in checked] == list(range(11))
    assert err.splitlines()[-2:] == ["imported: 0%", "imported: 100%"]

    quiet_out, quiet_err = run("import_attendance", str(path), "-v0")
    assert quiet_out == "" and quiet_err == ""
    assert Attendance.objects.count() == unique
