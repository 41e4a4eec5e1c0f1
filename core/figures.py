"""Counts shown to people who must not be able to single anyone out: the public impact page, and
the coordinators' and the committee's breakdowns of outreach, where a cell of 1 could be the one
student from a small school everybody knows."""

SMALL_COUNT = 3


def suppress_small(value: int, threshold: int = SMALL_COUNT) -> str:
    """Any count below `threshold` becomes "<3", zero included: a published "0" beside a "<3"
    would tell which cell holds the one or two people."""
    return f"<{threshold}" if value < threshold else str(value)
