"""`core.figures.suppress_table`: several columns of one breakdown suppressed together, checked
against an exact reader (tests/core/recovery.py) on hand-made and on random tables."""

import random

import pytest

from core.figures import ADDS_UP, COVERS, SMALL, WITHHELD, cell_label, suppress_table

from .recovery import cap_from, recovered

RELATIONS = ((("attended",), "visits"), (("unique",), "visits"))
TOGETHER = (("unique", "visits"),)


def shown_as_text(cells: list) -> list:
    return [cell_label(cell) if cell in (SMALL, WITHHELD) else cell for cell in cells]


def attack(values: dict, shown: dict, totals: dict, shown_totals: dict) -> list[tuple[str, int]]:
    """Every (column, row) an exact reader works out, each column on its own and with what the
    same row shows in the column it is bounded by."""
    text = {column: shown_as_text(cells) for column, cells in shown.items()}
    shown_totals = dict(zip(shown_totals, shown_as_text(list(shown_totals.values())), strict=True))
    found = []
    for column, (_total, mode) in totals.items():
        caps = None
        if column in ("attended", "unique"):
            caps = [cap_from(cell) for cell in text["visits"]]
        if column == "unique":
            caps = [
                (1 if isinstance(v, int) and v > 0 else 0, high)
                for v, (_low, high) in zip(shown["visits"], caps, strict=True)
            ]
        found += [
            (column, row)
            for row in recovered(text[column], values[column], shown_totals[column], mode, caps)
        ]
    return found


def test_a_lone_small_cell_is_not_left_alone_with_its_complement():
    shown, totals = suppress_table({"visits": [5, 1, 7]}, {"visits": (13, ADDS_UP)})
    assert shown["visits"][1] == SMALL
    assert WITHHELD in shown["visits"]  # else 13 - 5 - 7 gives the 1 back
    assert totals == {"visits": 13}


def test_a_cell_given_away_by_the_row_beside_it_is_withheld():
    # Attended 1, 3 and 3 of 7. Withholding a 3 alone would not do: the visits shown beside it
    # (3) cap it at 3, and 7 - 3 - 3 gives the 1 back. That row's visits have to go too.
    values = {"visits": [5, 3, 6], "attended": [1, 3, 3]}
    totals = {"visits": (14, ADDS_UP), "attended": (7, ADDS_UP)}
    shown, shown_totals = suppress_table(values, totals, RELATIONS[:1])
    assert shown["attended"][0] == SMALL
    assert shown["visits"][1] == WITHHELD
    assert attack(values, shown, totals, shown_totals) == []
    # Beside 4 visits the withheld 3 may be 3 or 4: the small cell may be 0 or 1.
    values = {"visits": [5, 4, 6], "attended": [1, 3, 3]}
    totals = {"visits": (15, ADDS_UP), "attended": (7, ADDS_UP)}
    shown, shown_totals = suppress_table(values, totals, RELATIONS[:1])
    assert shown == {"visits": [5, 4, 6], "attended": [SMALL, WITHHELD, 3]}
    assert attack(values, shown, totals, shown_totals) == []


def test_people_by_month_only_cover_the_total():
    # 4 people, each month's visitors counted in that month: 3 + 2 ≥ 4. A reader knows the
    # second month holds at least 4 - 3 = 1 and at most 2: not which.
    shown, _ = suppress_table({"unique": [3, 2]}, {"unique": (4, COVERS)})
    assert shown["unique"] == [3, SMALL]
    # With 5 people it must hold 2: the 3 is withheld too.
    shown, _ = suppress_table({"unique": [3, 2]}, {"unique": (5, COVERS)})
    assert shown["unique"] == [WITHHELD, SMALL]


def test_a_total_that_gives_every_small_cell_back_is_withheld():
    shown, totals = suppress_table({"visits": [2, 2]}, {"visits": (4, ADDS_UP)})
    assert shown["visits"] == [SMALL, SMALL] and totals["visits"] == WITHHELD


def test_a_small_total_is_small_and_so_are_its_cells():
    shown, totals = suppress_table({"visits": [2, 0]}, {"visits": (2, ADDS_UP)})
    assert shown["visits"] == [SMALL, SMALL] and totals["visits"] == SMALL


def test_exact_columns_stay_as_they_are():
    shown, _ = suppress_table(
        {"attended": [1, 4], "capacity": [2, 8]},
        {"attended": (5, ADDS_UP)},
        ((("attended",), "capacity"),),
        exact=("capacity",),
    )
    assert shown["capacity"] == [2, 8]
    assert shown["attended"] == [SMALL, WITHHELD]


def random_table(rng: random.Random) -> tuple[dict, dict]:
    rows = rng.randint(2, 6)
    visits = [rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 5, 8]) for _ in range(rows)]
    unique = [rng.randint(min(1, v), v) for v in visits]
    attended = [rng.randint(0, v) for v in visits]
    values = {"visits": visits, "unique": unique, "attended": attended}
    # People counted in each row they came: the total is at least the largest row.
    unique_total = rng.randint(max(unique), max(sum(unique), max(unique)))
    totals = {
        "visits": (sum(visits), ADDS_UP),
        "unique": (unique_total, COVERS),
        "attended": (sum(attended), ADDS_UP),
    }
    return values, totals


@pytest.mark.parametrize("seed", range(600))
def test_no_hidden_cell_of_a_random_table_can_be_worked_out(seed):
    values, totals = random_table(random.Random(seed))
    shown, shown_totals = suppress_table(values, totals, RELATIONS, TOGETHER)
    for column, cells in shown.items():
        assert len(cells) == len(values[column])
        for cell, value in zip(cells, values[column], strict=True):
            assert cell in (SMALL, WITHHELD) or cell == value >= 3
        assert shown_totals[column] in (SMALL, WITHHELD, totals[column][0])
    assert attack(values, shown, totals, shown_totals) == [], (values, totals, shown)
