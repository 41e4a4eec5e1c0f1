"""`preview_import` writes nothing, and what it announces is what the import then does."""

import pytest

from attendance.models import Attendance
from attendance.services.importing import import_attendance, preview_import
from attendance.services.importing.reading import FORMAT_LABELS
from booking.models import Participant

from .helpers import HEADER, at, make_schools, make_space, visit_at

pytestmark = pytest.mark.django_db

NOW = at(2026, 6, 10, 10)
LINES = [
    HEADER,
    "P-0001,益田高校,2025-03-31,study_space",  # fiscal 2024
    "P-0001,益田高校,2025-04-01,study_space",  # fiscal 2025
    "P-0001,益田高校,2025-04-01,study_space",  # a duplicate in the file
    "P-0002,翔陽,R7.7.1,study_space",  # already recorded at the desk
    "P-0003,,2026/4/1,pbl",  # fiscal 2026, a new participant
    "P-0004,,2026/4/2,online",  # another
]


def counts():
    return Attendance.objects.count(), Participant.objects.count()


def test_preview_writes_nothing_and_the_import_does_what_it_said():
    make_schools()
    space = make_space()
    Participant.objects.create(reference="P-0001", nickname="はな")
    desk = Participant.objects.create(reference="P-0002", nickname="そら")
    visit_at(space, desk, at(2025, 7, 1, 16))
    data = "\n".join(LINES).encode("cp932")
    before = counts()

    preview = preview_import(data, name="visits.csv", now=NOW)

    assert counts() == before
    assert preview.file_format == str(FORMAT_LABELS["cp932"])
    assert preview.problems == [] and preview.problem_count == 0
    assert (preview.rows_read, preview.duplicates_in_file) == (6, 1)
    assert (preview.already_present, preview.to_add, preview.new_participants) == (1, 4, 2)
    assert preview.visits_by_fiscal_year == {2024: 1, 2025: 1, 2026: 2}

    result = import_attendance(data, name="visits.csv", now=NOW)

    assert result.rows_read == preview.rows_read
    assert result.duplicates_in_file == preview.duplicates_in_file
    assert result.already_present == preview.already_present
    assert result.added == preview.to_add
    assert result.participants_created == preview.new_participants
    assert counts() == (before[0] + 4, before[1] + 2)
    imported = Attendance.objects.filter(source="import")
    by_year = {
        year: imported.filter(fiscal_year=year).count() for year in preview.visits_by_fiscal_year
    }
    assert by_year == preview.visits_by_fiscal_year


def test_after_the_import_the_preview_announces_nothing_new():
    make_schools()
    data = "\n".join(LINES).encode()
    import_attendance(data, now=NOW)
    preview = preview_import(data, now=NOW)
    assert (preview.to_add, preview.new_participants, preview.already_present) == (0, 0, 5)
    assert preview.visits_by_fiscal_year == {}


@pytest.mark.usefixtures("english")
def test_a_file_with_problems_gets_a_preview_that_lists_them():
    make_schools()
    data = "\n".join([*LINES, "P-0005,,2025/2/30,pbl", "P-0006,,2025-05-01,karaoke"]).encode()
    before = counts()

    preview = preview_import(data, now=NOW)

    assert counts() == before
    assert preview.file_format == str(FORMAT_LABELS["utf-8"])
    assert preview.problem_count == 2
    assert [(p.line, p.column) for p in preview.problems] == [(8, "date"), (9, "kind")]
    assert (preview.rows_read, preview.to_add) == (0, 0)


def test_progress_is_reported_in_whole_percents():
    make_schools()
    lines = [HEADER] + [f"P-{n % 50:04d},,2025-04-{n % 28 + 1:02d},science" for n in range(3000)]
    calls = []
    preview_import("\n".join(lines).encode(), now=NOW, progress=lambda *call: calls.append(call))
    checks = [(done, total) for stage, done, total in calls if stage == "check"]
    assert checks[0][0] == 0 and checks[-1][0] == checks[-1][1]
    assert len(calls) <= 110
    percents = [done * 100 // total for done, total in checks]
    assert percents == sorted(set(percents))
