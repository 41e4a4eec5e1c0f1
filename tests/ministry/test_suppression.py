"""Coordinators' documents (exact=False): small headline totals read "<3", every breakdown is
suppressed so that no hidden cell with somebody in it can be worked out from the column's total
and the cells still shown. The check below is a reader's arithmetic, written apart from
core.figures so that it tests the result rather than repeats the code."""

import datetime as dt

import pytest
from django.utils import translation

from attendance.models import Attendance
from booking.models import Participant
from core.models import School
from ministry.services.figures import build_report_document

from .conftest import JST, MID, NOW, YEAR

pytestmark = pytest.mark.django_db

INF = float("inf")


def documents(period):
    with translation.override("en"):
        return [
            build_report_document(*period, now=NOW, exact=exact, sections=[])
            for exact in (True, False)
        ]


def reader_bounds(shown: str | int) -> tuple[float, float]:
    if shown == "<3":
        return 0, 2
    if shown == "withheld":
        return 3, INF
    assert isinstance(shown, int), shown
    return shown, shown


def worked_out(true: list[int], shown: list) -> list[int]:
    """Rows of hidden cells with somebody in them whose value the total pins down."""
    total = sum(true)
    bounds = [reader_bounds(cell) for cell in shown]
    found = []
    for i, (low, high) in enumerate(bounds):
        if isinstance(shown[i], int) or true[i] == 0:
            continue
        others_low = sum(b[0] for j, b in enumerate(bounds) if j != i)
        others_high = sum(b[1] for j, b in enumerate(bounds) if j != i)
        if max(low, total - others_high) >= min(high, total - others_low):
            found.append(i)
    return found


def assert_safe(exact_doc, shown_doc) -> int:
    """Every column of every breakdown; returns how many cells were hidden."""
    hidden = 0
    assert len(shown_doc.breakdowns) == len(exact_doc.breakdowns) == 3
    for exact, shown in zip(exact_doc.breakdowns, shown_doc.breakdowns, strict=True):
        assert [label for label, _v in shown.rows] == [label for label, _v in exact.rows]
        for column in range(len(exact.columns)):
            true = [values[column] for _label, values in exact.rows]
            cells = [values[column] for _label, values in shown.rows]
            for value, cell in zip(true, cells, strict=True):
                assert cell == value if isinstance(cell, int) else cell in ("<3", "withheld")
                assert isinstance(cell, str) or cell >= 3
            assert worked_out(true, cells) == [], (shown.title, column, true, cells)
            hidden += sum(isinstance(cell, str) for cell in cells)
    return hidden


@pytest.mark.parametrize("period", [MID, YEAR], ids=["mid-year", "whole-year"])
def test_no_hidden_cell_can_be_worked_out(report_data, period):
    exact, shown = documents(period)
    assert shown.suppressed and not exact.suppressed
    assert assert_safe(exact, shown) > 0
    assert any("<3" in note for note in shown.notes)


def test_headline_totals_stay_exact_unless_small(report_data):
    _exact, shown = documents(MID)
    small = "<3"
    assert [(row.value, row.previous) for row in shown.headline] == [
        (4, 3),
        (5, 4),
        (3, small),
        (small, small),
        (small, small),
        *[(small, small)] * 6,
    ]


def test_a_school_of_its_own_is_withheld_when_the_total_would_give_it_back(db):
    """One school with 4 visits, one person of no school with 1: with the total of 5 shown,
    the school's 4 would give the "<3" back as 1, so the 4 is withheld too."""
    school = School.objects.create(name="益田東高校")
    regular = Participant.objects.create(reference="R", nickname="r", school=school)
    once = Participant.objects.create(reference="O", nickname="o")
    for participant, days in ((regular, (3, 8, 13, 20)), (once, (12,))):
        for day in days:
            Attendance.objects.create(
                participant=participant,
                date=dt.date(2026, 4, day),
                kind="study_space",
                school=participant.school,
                source=Attendance.Source.WALK_IN,
                recorded_at=dt.datetime(2026, 4, day, 17, tzinfo=JST),
            )
    exact, shown = documents(MID)
    by_school = shown.breakdowns[2]
    assert by_school.rows == [
        ("益田東高校", ["withheld", "<3", "<3", "<3"]),
        ("No school", ["<3", "<3", "<3", "<3"]),
    ]
    assert exact.breakdowns[2].rows == [("益田東高校", [4, 0, 1, 0]), ("No school", [1, 0, 1, 0])]
    # The total stays exact; the previous year has no data at all.
    assert [(row.value, row.previous) for row in shown.headline[:2]] == [("<3", None), (5, None)]
    assert assert_safe(exact, shown) > 0


def test_participants_are_hidden_where_their_visits_are():
    """A shown participants count beside hidden visits would bound them (participants ≤
    visits): with the visits column's total it could pin down the small cell next to them."""
    from ministry.services.figures import _breakdown

    with translation.override("en"):
        table = _breakdown(
            "by school",
            ["A", "B", "C"],
            [[4, 4], [1, 1], [10, 6]],
            [[0, 0], [0, 0], [0, 0]],
            False,
        )
    rows = dict(table.rows)
    assert rows["B"][0] == "<3" and rows["B"][2] == "<3"
    for _label, (visits, _before, people, _people_before) in table.rows:
        if isinstance(visits, str):
            assert isinstance(people, str)
    assert rows["C"][0] == 10 and rows["C"][2] == 6
