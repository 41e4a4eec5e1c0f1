"""A coordinator tries to work the small cells of the attendance report back out, from every
figure they can read (the page's tables, the CSV, the XLSX): each column of each breakdown
against the year's total (cells that add up: total minus the cells shown; people, who count in
each month they came: at least the total minus the others), with what the same row shows in
the columns that bound it (attended ≤ visits, new ≤ unique ≤ visits). Between breakdowns the
total is the only link (any split by month fits any split by kind), so the same total is used
for all three. Staff read the same figures exact."""

import pytest
from django.utils import timezone

from attendance.services.reports import fiscal_year_report
from tests.core.recovery import SMALL_LABELS, cap_from, is_hidden, recovered
from tests.factories import make_user

from .helpers import NOW
from .small_cells import (
    COLUMNS,
    URL,
    body_of,
    make_small_cells,
    read_csv,
    read_page,
    read_xlsx,
)

pytestmark = pytest.mark.django_db

ADDS_UP, COVERS = "adds_up", "covers"
PEOPLE = ("unique", "continuing", "new")
# Which cells bound which in a row: (smaller, larger).
BOUNDS = {
    "attended_in_slots": "visits",
    "unique": "visits",
    "continuing": "unique",
    "new": "unique",
}


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def truth():
    make_small_cells()
    report = fiscal_year_report(2026, now=NOW)
    rows = {
        dimension: {row["key"]: row for row in report["breakdown"][dimension]}
        for dimension in ("month", "kind", "school")
    }
    rows["total"] = {
        "visits": report["total_visits"],
        "unique": report["unique_participants"],
        "continuing": report["continuing_participants"],
        "new": report["new_participants"],
        "no_shows": report["no_shows"],
        "attended_in_slots": report["seat_use"]["attended"],
    }
    rows["outcomes"] = report["outcomes"]
    return rows


def readings(client, username: str, groups: list[str]) -> dict:
    client.force_login(make_user(username, groups=groups, admin_language="en"))
    page = client.get(URL, {"fiscal_year": "2026"})
    assert page.status_code == 200
    return {
        "page": read_page(page.content.decode()),
        "csv": read_csv(body_of(client.get(URL, {"fiscal_year": "2026", "export": "csv"}))),
        "xlsx": read_xlsx(body_of(client.get(URL, {"fiscal_year": "2026", "export": "xlsx"}))),
    }


def mode(dimension: str, column: str) -> str:
    if column == "new" and dimension == "month":
        return ADDS_UP  # counted once, in the month of the first visit ever
    return COVERS if column in PEOPLE else ADDS_UP


def caps(rows: list[dict], column: str) -> list[tuple]:
    """What each row's bounding column tells of this one (a visit means a visitor)."""
    larger = BOUNDS.get(column)
    if larger is None:
        return [(0, float("inf"))] * len(rows)
    result = []
    for row in rows:
        low, high = cap_from(row[larger])
        if column == "unique" and not is_hidden(row["visits"]) and int(row["visits"]) > 0:
            low = 1
        result.append((low, high))
    return result


def attack(reading: dict, truth: dict) -> tuple[list, int]:
    """The cells a reader works out, and how many hidden cells with someone in it were tried."""
    found, tried = [], 0
    for dimension in ("month", "kind", "school"):
        keys = list(truth[dimension])
        rows = [reading[dimension][key] for key in keys]
        for column in COLUMNS:
            if any(row.get(column) is None for row in rows):
                continue  # not shown here (seat use by school: no places)
            cells = [row[column] for row in rows]
            values = [truth[dimension][key][column] for key in keys]
            tried += sum(1 for c, v in zip(cells, values, strict=True) if is_hidden(c) and v)
            total = reading["total"][column]
            for i in recovered(cells, values, total, mode(dimension, column), caps(rows, column)):
                found.append((dimension, keys[i], column, cells[i], values[i]))
    return found, tried


def test_no_small_cell_can_be_worked_out_by_a_coordinator(client, truth):
    # The data has the cells the rule is for: one student of a school this month, two visits
    # of a kind of support.
    assert truth["school"]["翔陽高校"]["visits"] == 1
    assert truth["kind"]["science"]["visits"] == 2
    other_schools = [row["visits"] for key, row in truth["school"].items() if key != "翔陽高校"]
    assert len(other_schools) == 3 and min(other_schools) >= 3
    seen = readings(client, "coord", ["Coordinators"])
    for source, reading in seen.items():
        found, tried = attack(reading, truth)
        assert found == [], f"{source}: worked out {found}"
        assert tried >= 20, source
        assert reading["school"]["翔陽高校"]["visits"] in SMALL_LABELS
        assert reading["kind"]["science"]["visits"] in SMALL_LABELS
        # The year's totals stay exact where they are not small.
        assert reading["total"]["visits"] == "20" and reading["total"]["unique"] == "11"
        assert reading["total"]["continuing"] in SMALL_LABELS
        assert reading["total"]["no_shows"] in SMALL_LABELS


def test_a_hidden_seat_use_hides_its_rate_and_its_bar(client, truth):
    seen = readings(client, "coord", ["Coordinators"])
    exports = (seen["csv"], seen["xlsx"])
    checked = 0
    for dimension in ("month", "kind"):
        for key, row in seen["page"][dimension].items():
            if is_hidden(row["attended_in_slots"]):
                checked += 1
                assert "%" not in row["seat_use"], (dimension, key, row)
                assert all(export[dimension][key]["seat_use_rate"] == "" for export in exports)
    assert checked >= 2
    html = client.get(URL, {"fiscal_year": "2026"}).content.decode()
    chart = html[html.index('id="chart-school-title"') :]
    chart = chart[: chart.index("</svg>")]
    visible = [row for row in seen["page"]["school"].values() if not is_hidden(row["visits"])]
    assert len(visible) >= 1
    assert chart.count("<rect") == len(visible)  # a bar for each figure shown, none else
    assert "&lt;3" in chart


def test_outcomes_below_three_are_small_for_a_coordinator(client, truth):
    seen = readings(client, "coord", ["Coordinators"])
    for export in (seen["csv"], seen["xlsx"]):
        assert export["outcome"]["returned_to_school"] in SMALL_LABELS
        assert export["outcome"]["employed"] == "4"


def test_staff_read_every_figure_exact(client, truth):
    seen = readings(client, "staff", ["Staff"])
    for source, reading in seen.items():
        for dimension in ("month", "kind", "school"):
            assert len(reading[dimension]) == len(truth[dimension])
            for key, row in truth[dimension].items():
                for column in COLUMNS:
                    shown = reading[dimension][key][column]
                    if shown is not None:
                        assert shown == str(row[column]), (source, dimension, key, column)
        for column in COLUMNS:
            assert reading["total"][column] == str(truth["total"][column]), (source, column)
    assert seen["csv"]["outcome"]["returned_to_school"] == "1"


def test_the_page_tells_a_coordinator_why_cells_are_hidden(client, truth):
    client.force_login(make_user("coord", groups=["Coordinators"], admin_language="en"))
    page = client.get(URL, {"fiscal_year": "2026"})
    assert page.status_code == 200
    assert 'id="report-suppression-note"' in page.content.decode()
    client.force_login(make_user("staff", groups=["Staff"], admin_language="en"))
    page = client.get(URL, {"fiscal_year": "2026"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="figure-total-visits">20<' in html
    assert 'id="report-suppression-note"' not in html
