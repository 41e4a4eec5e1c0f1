"""Counts shown to people who must not be able to single anyone out: the public impact page, and
the coordinators' and the committee's breakdowns of outreach, where a cell of 1 could be the one
student from a small school everybody knows."""

SMALL_COUNT = 3


def suppress_small(value: int, threshold: int = SMALL_COUNT) -> str:
    """Any count below `threshold` becomes "<3", zero included: a published "0" beside a "<3"
    would tell which cell holds the one or two people."""
    return f"<{threshold}" if value < threshold else str(value)


SMALL = "small"
WITHHELD = "withheld"


def cell_label(cell) -> str:
    """What a reader sees in a suppressed cell, in their language."""
    from django.utils.translation import gettext

    if cell == SMALL:
        return gettext("<3")
    if cell == WITHHELD:
        return gettext("withheld")
    return str(cell)


def _range_of(i: int, total: int, bounds: list[tuple[int, float]]) -> tuple[float, float]:
    """The values cell `i` can take, for a reader who knows the total and each cell's bounds."""
    others_low = sum(low for j, (low, _high) in enumerate(bounds) if j != i)
    others_high = sum(high for j, (_low, high) in enumerate(bounds) if j != i)
    low, high = bounds[i]
    return max(low, total - others_high), min(high, total - others_low)


def suppress_breakdown(values: list[int], threshold: int = SMALL_COUNT) -> list[int | str]:
    """One breakdown (the cells of a table whose total is shown exact) as a reader without
    access to names may see it: every cell below `threshold` becomes SMALL ("<3"), and, where
    the total and the cells still shown would give a small cell back (total 4, cells 3 and
    "<3": the hidden one is 1), the smallest cells still shown are WITHHELD too, until no
    hidden cell with anyone in it can be worked out (complementary suppression).

    The reader is assumed to know that a SMALL cell holds 0 to threshold-1 and a WITHHELD one
    at least `threshold`. A hidden cell that can only be 0 may be worked out: it is nobody.
    What remains: when every cell is small, the total can still tell that each is 2 (never 1,
    unless the breakdown has a single cell, which is its total): list every category, zeros
    included, so that a breakdown has several cells."""
    shown: list[int | str] = list(values)
    bounds: list[tuple[int, float]] = [(v, v) for v in values]
    for i, value in enumerate(values):
        if value < threshold:
            shown[i], bounds[i] = SMALL, (0, threshold - 1)
    total = sum(values)

    def exposed() -> bool:
        for i, value in enumerate(values):
            if shown[i] in (SMALL, WITHHELD) and value > 0:
                low, high = _range_of(i, total, bounds)
                if low == high:
                    return True
        return False

    while exposed():
        visible = [i for i, cell in enumerate(shown) if cell not in (SMALL, WITHHELD)]
        if not visible:
            break
        smallest = min(visible, key=lambda i: (values[i], i))
        shown[smallest], bounds[smallest] = WITHHELD, (threshold, float("inf"))
    return shown


# A table of breakdowns (the rows of one dimension, several figure columns) suppressed together.
# A reader combines more than one column's total: a cell that one column keeps hidden may be
# given away by another (attended ≤ visits in the same row, new + continuing ≤ unique), so
# `suppress_table` checks every hidden cell against all of them at once.

ADDS_UP = "adds_up"  # each counted once: the cells add up to the total (visits by month)
COVERS = "covers"  # each counted in every cell they belong to (people by month): sum ≥ total


def _interval(cell, value: int, threshold: int) -> tuple[float, float]:
    if cell == SMALL:
        return 0, threshold - 1
    if cell == WITHHELD:
        return threshold, float("inf")
    return value, value


def _sums_without_each(numbers: list[float]) -> list[float]:
    """For each position, the sum of all the other numbers (infinite ones counted apart, so
    that no inf - inf appears)."""
    finite = sum(n for n in numbers if n != float("inf"))
    infinite = sum(1 for n in numbers if n == float("inf"))
    return [
        float("inf") if infinite - (n == float("inf")) else finite - (0 if n == float("inf") else n)
        for n in numbers
    ]


def _propagate(
    values: dict[str, list[int]],
    shown: dict[str, list],
    totals: dict[str, tuple[int | str, int, str]],
    relations: list[tuple[tuple[str, ...], str]],
    together: list[tuple[str, str]],
    threshold: int,
) -> dict[str, list[list[float]]]:
    """The narrowest bounds a reader can reach for every cell: each shown cell as the interval
    its label says, then the totals and the relations applied until nothing narrows. A constraint
    that the true figures break (a school since removed makes a column add up to less than its
    total) is left out: a reader could not rely on it either."""
    bounds = {
        column: [
            list(_interval(cell, value, threshold))
            for cell, value in zip(cells, values[column], strict=True)
        ]
        for column, cells in shown.items()
    }
    rows = len(next(iter(values.values()), []))
    for _round in range(4 * rows + 8):
        before = [tuple(b) for column in bounds.values() for b in column]
        for column, (shown_total, total, mode) in totals.items():
            cells, found = bounds[column], sum(values[column])
            if mode == ADDS_UP and found != total or mode == COVERS and found < total:
                continue
            t_low, t_high = _interval(shown_total, total, threshold)
            lows, highs = (
                _sums_without_each([b[0] for b in cells]),
                _sums_without_each([b[1] for b in cells]),
            )
            for cell, others_low, others_high in zip(cells, lows, highs, strict=True):
                cell[0] = max(cell[0], t_low - others_high)
                cell[1] = min(cell[1], t_high - others_low if mode == ADDS_UP else t_high)
        for smaller, larger in relations:
            for i in range(rows):
                if sum(values[c][i] for c in smaller) > values[larger][i]:
                    continue
                parts, whole = [bounds[c][i] for c in smaller], bounds[larger][i]
                whole[0] = max(whole[0], sum(p[0] for p in parts))
                for part in parts:
                    part[1] = min(part[1], whole[1] - sum(p[0] for p in parts if p is not part))
        # A visit means a visitor, and a visitor a visit: one cell above 0 lifts the other.
        for first, second in together:
            for i in range(rows):
                a, b = bounds[first][i], bounds[second][i]
                a[0], b[0] = max(a[0], min(1, b[0])), max(b[0], min(1, a[0]))
        after = [tuple(b) for column in bounds.values() for b in column]
        # Settled; or crossed, which only figures that cannot be (below zero) bring about.
        if after == before or any(low > high for low, high in after):
            break
    return bounds


def exposed_cells(values, shown, totals, relations, together, threshold: int = SMALL_COUNT) -> list:
    """(column, row) of every hidden cell with somebody in it that a reader can work out.
    `totals`: column → (the total as shown, its value, ADDS_UP or COVERS)."""
    bounds = _propagate(values, shown, totals, relations, together, threshold)
    return [
        (column, i)
        for column, cells in shown.items()
        for i, cell in enumerate(cells)
        if cell in (SMALL, WITHHELD)
        and values[column][i] > 0
        and bounds[column][i][0] >= bounds[column][i][1]
    ]


def _cell_to_withhold(exposures, values, shown, exposed_after) -> tuple[str, int] | None:
    """Greedy: of the cells still shown in the exposed cells' rows, and the smallest shown in
    each exposed cell's column, the one whose withholding leaves the fewest cells exposed (the
    smaller first on a tie, to lose little)."""
    candidates = set()
    for column, row in exposures:
        for c, cells in shown.items():
            if cells[row] not in (SMALL, WITHHELD):
                candidates.add((values[c][row], c, row))
        in_column = [
            (values[column][i], column, i)
            for i, cell in enumerate(shown[column])
            if cell not in (SMALL, WITHHELD)
        ]
        candidates.update(sorted(in_column)[:1])
    best = None
    # The smallest dozen are enough to choose well, and keep a wide table quick.
    for value, c, i in sorted(candidates)[:12]:
        before, shown[c][i] = shown[c][i], WITHHELD
        score = (len(exposed_after()), value, c, i)
        shown[c][i] = before
        best = min(best or score, score)
    return (best[2], best[3]) if best else None


def suppress_table(
    values: dict[str, list[int]],
    totals: dict[str, tuple[int, str]],
    relations: list[tuple[tuple[str, ...], str]] = (),
    together: list[tuple[str, str]] = (),
    exact: tuple[str, ...] = (),
    threshold: int = SMALL_COUNT,
) -> tuple[dict[str, list[int | str]], dict[str, int | str]]:
    """Several columns of one breakdown, suppressed so that no hidden cell with someone in it can
    be worked out from the totals, the cells still shown and the relations between columns.

    `values`: column → one count per row (every row listed, zeros included). `totals`: column →
    (the year's exact total, ADDS_UP or COVERS); a column without a total has no complement to
    protect against. `relations`: ((a, b, …), c) when a + b + … ≤ c in every row (new +
    continuing ≤ unique ≤ visits). `together`: (a, b) when a row's a is above 0 exactly when its b
    is (visits and visitors). `exact`: columns shown as they are (places, which count no one),
    given for the relations they take part in. Returns the cells and the totals as shown: a
    total below `threshold` is SMALL too, and then so is every cell of its column; a total that
    gives every hidden cell back whatever is withheld (all cells 2) is WITHHELD."""
    shown_totals = {
        column: SMALL if total < threshold else total for column, (total, _mode) in totals.items()
    }
    shown = {
        column: [v if column in exact or v >= threshold else SMALL for v in column_values]
        for column, column_values in values.items()
    }
    known = {column: (shown_totals[column], *totals[column]) for column in totals}

    def exposed_now() -> list:
        return exposed_cells(values, shown, known, list(relations), list(together), threshold)

    open_cells = {c: cells for c, cells in shown.items() if c not in exact}
    while exposures := exposed_now():
        if cell := _cell_to_withhold(exposures, values, open_cells, exposed_now):
            shown[cell[0]][cell[1]] = WITHHELD
            continue
        # Every cell that could help is hidden and one is still given back (two cells of 2,
        # total 4): only hiding the total helps, as its exact value was all the reader had.
        open_totals = [c for c, _row in exposures if c in totals and known[c][0] == totals[c][0]]
        if not open_totals:
            break
        shown_totals[open_totals[0]] = WITHHELD
        known[open_totals[0]] = (WITHHELD, *totals[open_totals[0]])
    return shown, shown_totals
