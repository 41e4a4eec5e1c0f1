"""A reader who tries to work suppressed cells back out: from a column's cells as shown, the
year's total and what the same row shows in other columns, every value each hidden cell can
still take. Exact (every combination that fits, not bounds), so it finds what
`core.figures.suppress_table`'s own bounds might miss."""

SMALL_LABELS = {"<3", "3未満"}
WITHHELD_LABELS = {"withheld", "非公表"}
ADDS_UP, COVERS = "adds_up", "covers"


def label_range(cell, total: int) -> tuple[int, int]:
    if cell in SMALL_LABELS:
        return 0, 2
    if cell in WITHHELD_LABELS:
        return 3, total
    value = int(cell)
    return value, value


def is_hidden(cell) -> bool:
    return cell in SMALL_LABELS or cell in WITHHELD_LABELS


def _sums(ranges: list[tuple[int, int]], limit: int) -> set[int]:
    sums = {0}
    for low, high in ranges:
        sums = {s + v for s in sums for v in range(low, high + 1) if s + v <= limit}
    return sums


def possible_values(cells: list, total: int, mode: str, caps=None) -> list[set[int]]:
    """For each cell, the values it can take. `caps`: per row, (low, high) the reader knows
    from the row's other columns (attended ≤ visits shown beside it)."""
    ranges = []
    for i, cell in enumerate(cells):
        low, high = label_range(cell, total)
        if caps is not None:
            low, high = max(low, caps[i][0]), min(high, caps[i][1])
        ranges.append((low, min(high, total)))
    result = []
    for i, (low, high) in enumerate(ranges):
        others = ranges[:i] + ranges[i + 1 :]
        if mode == ADDS_UP:
            sums = _sums(others, total)
            result.append({v for v in range(low, high + 1) if total - v in sums})
        else:
            room = sum(h for _, h in others)
            result.append({v for v in range(low, high + 1) if v + room >= total})
    return result


def possible_totals(shown_total, limit: int) -> range:
    """The totals a reader must consider: the one shown, or every one its label allows."""
    if shown_total in SMALL_LABELS:
        return range(3)
    if shown_total in WITHHELD_LABELS:
        return range(3, limit + 1)
    return range(int(shown_total), int(shown_total) + 1)


def recovered(cells: list, truth: list[int], shown_total, mode: str, caps=None) -> list[int]:
    """Rows whose hidden cell holds somebody and can take one value only (or none: the
    reader's reasoning would then be broken, which the caller should hear about too). A total
    shown as a label is tried at every value it allows."""
    possible = [set() for _ in cells]
    for total in possible_totals(shown_total, sum(truth) + 10):
        if total < max((label_range(c, total)[0] for c in cells), default=0) and mode == COVERS:
            continue
        for i, values in enumerate(possible_values(cells, total, mode, caps)):
            possible[i] |= values
    return [
        i
        for i, (cell, value) in enumerate(zip(cells, truth, strict=True))
        if is_hidden(cell) and value > 0 and len(possible[i]) <= 1
    ]


def cap_from(cell) -> tuple[int, float]:
    """What a row's cell shown in a larger column says of a smaller one: at most its value."""
    if cell in SMALL_LABELS:
        return 0, 2
    if cell in WITHHELD_LABELS:
        return 0, float("inf")
    return 0, int(cell)
