"""Dates as staff write them: Western with any separator, with 年月日, in the Reiwa (and Heisei)
era, full-width; dates that do not exist or lie in the future are line-numbered errors."""

import datetime as dt

import pytest

from attendance.models import Attendance
from attendance.services.importing import ImportFileError, import_attendance
from attendance.services.importing.values import parse_date
from core.text import nfkc

from .helpers import HEADER, at

NOW = at(2026, 6, 10, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-05-10", dt.date(2025, 5, 10)),
        ("2025/05/10", dt.date(2025, 5, 10)),
        ("2025/5/10", dt.date(2025, 5, 10)),
        ("2025.5.10", dt.date(2025, 5, 10)),
        ("2025/5/10 0:00", dt.date(2025, 5, 10)),  # Excel's date-and-time cell saved as CSV
        ("2025年5月10日", dt.date(2025, 5, 10)),
        ("R7.5.10", dt.date(2025, 5, 10)),
        ("r7.5.10", dt.date(2025, 5, 10)),
        ("R7/5/10", dt.date(2025, 5, 10)),
        ("R07.05.10", dt.date(2025, 5, 10)),
        ("令和7年5月10日", dt.date(2025, 5, 10)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("R1.5.1", dt.date(2019, 5, 1)),
        ("H31.4.30", dt.date(2019, 4, 30)),
        ("平成30年4月1日", dt.date(2018, 4, 1)),
        ("２０２５／５／１０", dt.date(2025, 5, 10)),  # full-width
        ("令和７年５月１０日", dt.date(2025, 5, 10)),
        ("Ｒ７．５．１０", dt.date(2025, 5, 10)),
    ],
)
def test_accepted_forms(text, expected):
    assert parse_date(nfkc(text).strip()) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025/2/30",  # no such day
        "2025-13-01",
        "R7.13.1",
        "R7.2.29",  # 2025 is no leap year
        "令和元年4月30日",  # still Heisei
        "R1.4.30",
        "H31.5.1",  # already Reiwa
        "R0.5.1",
        "2025/5-10",  # mixed separators
        "10/5/2025",
        "2025510",
        "",
        "yesterday",
    ],
)
def test_refused_forms(text):
    assert parse_date(nfkc(text).strip()) is None


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_bad_and_future_dates_are_line_numbered_errors():
    data = "\n".join(
        [
            HEADER,
            "P-1,,R7.5.10,science",
            "P-1,,2025/2/30,science",
            "P-1,,R7.13.1,science",
            "P-1,,2026/6/11,science",  # tomorrow, in Japan
            "P-1,,令和8年6月10日,science",  # today: fine
        ]
    ).encode()
    with pytest.raises(ImportFileError) as caught:
        import_attendance(data, now=NOW)
    assert [(p.line, p.column, p.value) for p in caught.value.problems] == [
        (3, "date", "2025/2/30"),
        (4, "date", "R7.13.1"),
        (5, "date", "2026/6/11"),
    ]
    assert caught.value.errors[2] == "line 5: date '2026/6/11' is in the future"
    assert Attendance.objects.count() == 0


@pytest.mark.django_db
def test_every_form_in_one_file_lands_on_the_same_day_and_fiscal_year():
    forms = ["2025-05-10", "2025/5/10", "2025.5.10", "R7.5.10", "令和7年5月10日", "2025年5月10日"]
    kinds = ["study_space", "science", "fieldwork", "pbl", "online", "consultation"]
    lines = [HEADER] + [f"P-1,,{form},{kind}" for form, kind in zip(forms, kinds, strict=True)]
    result = import_attendance("\n".join(lines).encode("cp932"), now=NOW)
    assert result.added == 6
    assert set(Attendance.objects.values_list("date", "fiscal_year", "month")) == {
        (dt.date(2025, 5, 10), 2025, 202505)
    }
