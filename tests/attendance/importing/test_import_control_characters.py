"""A control character in the CSV (a NUL from a broken export) is a numbered line error, with
nothing imported, never a database error or a traceback."""

import pytest
from django.core.management.base import CommandError

from attendance.models import Attendance
from attendance.services.importing import ImportFileError, import_attendance
from booking.models import Participant
from tests.attendance.importing.helpers import HEADER, at, make_schools, run, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_nul_in_a_cell_is_a_line_numbered_error(tmp_path):
    make_schools()
    path = write_csv(
        tmp_path,
        [
            HEADER,
            "P-0001,益田高校,2025-04-01,study_space",
            "P-00\x0002,益田高校,2025-04-02,study_space",
            "P-0003,益田高校,2025-04-03,study\x00_space",
            "P-0004,翔陽\x07高校,2025-04-03,study_space",
        ],
    )
    with pytest.raises(CommandError) as caught:
        run("import_attendance", str(path))
    message = str(caught.value)
    assert "nothing imported, 3 problem(s)" in message
    assert "line 3: participant contains a control character (U+0000)" in message
    assert "line 4: kind contains a control character (U+0000)" in message
    assert "line 5: school contains a control character (U+0007)" in message
    assert "line 2" not in message
    assert Attendance.objects.count() == 0
    assert Participant.objects.count() == 0


def test_the_service_reports_it_too_and_tabs_are_whitespace():
    make_schools()
    data = HEADER + "\nP-0001\t,益田高校,2025-04-01,study_space\nP-0002,,2025-04-01\x00,pbl\n"
    with pytest.raises(ImportFileError) as caught:
        import_attendance(data.encode(), now=at(2026, 6, 10, 10))
    assert caught.value.errors == [
        "line 3: date contains a control character (U+0000); remove it and save the file again"
    ]
