"""Problems: each names its line, column and value; at most MAX_PROBLEMS are kept and all are
counted; any problem and nothing is written."""

import pytest
from django.core.management import CommandError

from attendance.models import Attendance
from attendance.services.importing import (
    MAX_PROBLEMS,
    ImportFileError,
    ImportProblem,
    import_attendance,
)
from booking.models import Participant

from .helpers import HEADER, at, make_schools, run, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = at(2026, 6, 10, 10)


def test_a_problem_reads_as_its_line_and_message():
    with pytest.raises(ImportFileError) as caught:
        import_attendance(
            f"{HEADER}\nP-1,,2025-04-01,science\nP-2,,2025/13/01,pbl\n".encode(), now=NOW
        )
    (problem,) = caught.value.problems
    assert isinstance(problem, ImportProblem)
    assert (problem.line, problem.column, problem.value) == (3, "date", "2025/13/01")
    assert str(problem) == f"line 3: {problem.message}"
    assert str(problem.message).startswith("date '2025/13/01' is not a valid date")
    assert caught.value.problem_count == 1
    assert caught.value.errors == [str(problem)]


def test_many_problems_are_capped_and_counted(tmp_path):
    bad = MAX_PROBLEMS + 50
    lines = [HEADER] + [f"P-{n},,2025-04-01,karaoke" for n in range(bad)]
    lines.append("P-9,,2025-04-01,science")

    with pytest.raises(ImportFileError) as caught:
        import_attendance("\n".join(lines).encode(), now=NOW)
    assert caught.value.problem_count == bad
    assert len(caught.value.problems) == MAX_PROBLEMS
    assert [p.line for p in caught.value.problems] == list(range(2, MAX_PROBLEMS + 2))

    with pytest.raises(CommandError) as command:
        run("import_attendance", str(write_csv(tmp_path, lines)))
    message = str(command.value)
    assert f"nothing imported, {bad} problem(s):" in message
    assert message.rstrip().endswith("... and 50 more")
    assert message.count("unknown kind 'karaoke'") == MAX_PROBLEMS


def test_one_bad_row_among_good_ones_writes_nothing():
    make_schools()
    Participant.objects.create(reference="P-0001", nickname="はな")
    lines = [HEADER] + [f"P-{n:04d},益田高校,2025-04-{n % 28 + 1:02d},science" for n in range(300)]
    lines.insert(149, "P-0999,益田高校,2025-04-01,")  # line 150: no kind

    with pytest.raises(ImportFileError) as caught:
        import_attendance("\n".join(lines).encode(), now=NOW)

    assert [(p.line, p.column) for p in caught.value.problems] == [(150, "kind")]
    assert Attendance.objects.count() == 0
    assert list(Participant.objects.values_list("reference", flat=True)) == ["P-0001"]


def test_a_broken_csv_line_stops_the_reading_with_its_line():
    # A quote left open swallows the rest of the file: csv reports it at the end.
    data = f'{HEADER}\nP-1,,2025-04-01,science\nP-2,"益田,2025-04-01,science\n'.encode()
    with pytest.raises(ImportFileError) as caught:
        import_attendance(data, now=NOW)
    assert caught.value.problem_count == 1
    assert caught.value.problems[0].line == 3
    assert Attendance.objects.count() == 0


def test_a_nul_is_never_shown_as_it_is():
    data = f"{HEADER}\nP-1\x00,,R7.5.1,pbl\n".encode()
    with pytest.raises(ImportFileError) as caught:
        import_attendance(data, now=NOW)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column, problem.value) == (2, "participant", "P-1\ufffd")
    assert "\x00" not in str(problem)
