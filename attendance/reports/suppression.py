"""Who reads the attendance report exact, and the report as everybody else reads it.

Staff, who may open any participant's record anyway, read every figure exact. Coordinators read
the year's totals exact (unless below 3: a total names nobody, but "2 new participants" among
a class does) and every breakdown suppressed: cells below 3 read "<3", and more cells are
withheld until no hidden cell with someone in it can be worked out from the totals, the cells
still shown and the relations between columns (`core.figures.suppress_table`).

Which columns add up to the year's total decides how a reader can use it: visits, no-shows and
visits to booked sessions add up in every breakdown, and so do new participants by month (each
counted in the month of their first visit ever). People by month, kind or school do not: a
person counts in each month, kind and school they came, so the cells only cover the total
(each at most the total, together at least the total). Between breakdowns of one column the
totals are the only link (any two ways of splitting the same total fit together), so each
breakdown is suppressed on its own. Places are not people and stay exact; the seat-use rate of
a hidden cell is hidden with it, as places and rate would give it back.
"""

from core.figures import (
    ADDS_UP,
    COVERS,
    SMALL,
    SMALL_COUNT,
    WITHHELD,
    cell_label,
    suppress_table,
)

EXACT_FIGURES_PERMISSION = "booking.view_participant"

PEOPLE = ("unique", "continuing", "new")
SUPPRESSED = ("visits", *PEOPLE, "no_shows", "attended_in_slots")
TOTALS = {
    "visits": "total_visits",
    "unique": "unique_participants",
    "continuing": "continuing_participants",
    "new": "new_participants",
    "no_shows": "no_shows",
}
# In every row: new and continuing are different people among its visitors; a visitor makes a
# visit; visits to booked sessions are some of its visits and fill at most its places (where
# they do: a walk-in may fill a seat beyond them, and a rule the figures break is not used).
RELATIONS = (
    (("continuing", "new"), "unique"),
    (("unique",), "visits"),
    (("attended_in_slots",), "visits"),
    (("attended_in_slots",), "capacity"),
)
TOGETHER = (("unique", "visits"),)


def sees_exact_figures(user) -> bool:
    """The one rule the report's page, charts and exports ask."""
    return user.has_perm(EXACT_FIGURES_PERMISSION)


def is_hidden(value) -> bool:
    return isinstance(value, str)


def _shown(cell):
    return cell_label(cell) if cell in (SMALL, WITHHELD) else cell


def _suppress_rows(dimension: str, rows: list[dict], totals: dict) -> tuple[list[dict], dict]:
    values = {column: [row[column] for row in rows] for column in (*SUPPRESSED, "capacity")}
    modes = {
        column: (totals[column], ADDS_UP if column not in PEOPLE else COVERS)
        for column in SUPPRESSED
    }
    if dimension == "month":
        modes["new"] = (totals["new"], ADDS_UP)
    cells, shown_totals = suppress_table(values, modes, RELATIONS, TOGETHER, exact=("capacity",))
    result = []
    for i, row in enumerate(rows):
        shown = {**row, **{column: _shown(cells[column][i]) for column in SUPPRESSED}}
        if is_hidden(shown["attended_in_slots"]):
            shown["seat_use_rate"] = None
        result.append(shown)
    return result, shown_totals


def suppressed_report(report: dict) -> dict:
    """`fiscal_year_report`'s result as a coordinator reads it: the same keys, each hidden figure
    replaced by its label ("<3" or "withheld", in the reader's language)."""
    seat_use = report["seat_use"]
    totals = {column: report[key] for column, key in TOTALS.items()}
    totals["attended_in_slots"] = seat_use["attended"]
    breakdown = {}
    shown_totals = {column: SMALL if v < SMALL_COUNT else v for column, v in totals.items()}
    for dimension, rows in report["breakdown"].items():
        breakdown[dimension], dimension_totals = _suppress_rows(dimension, rows, totals)
        # A total one breakdown had to withhold is withheld for all: it is one number.
        for column, shown in dimension_totals.items():
            if shown == WITHHELD and shown_totals[column] != SMALL:
                shown_totals[column] = WITHHELD
    result = {
        **report,
        **{key: _shown(shown_totals[column]) for column, key in TOTALS.items()},
        "breakdown": breakdown,
        "outcomes": {
            flag: _shown(SMALL) if count < SMALL_COUNT else count
            for flag, count in report["outcomes"].items()
        },
    }
    attended = _shown(shown_totals["attended_in_slots"])
    result["seat_use"] = {
        **seat_use,
        "attended": attended,
        "rate": None if is_hidden(attended) else seat_use["rate"],
    }
    # The plain per-dimension visits are the breakdown's visits column: hidden alike.
    for dimension in ("month", "kind", "school"):
        result.pop(f"by_{dimension}", None)
    return result
