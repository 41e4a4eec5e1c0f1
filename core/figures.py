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
