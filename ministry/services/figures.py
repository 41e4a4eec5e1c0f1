"""The figures of the ministry's report: the headline numbers its template asks for and the
breakdowns by month, kind of support and school, each beside the same days of the previous
year, for any period inside one fiscal year (the whole year, or the mid-year report's cut-off).

The numbers come from `attendance.services.reports.period_report`, the read model every other
report uses, so the ministry never reads a figure the coordinators' report does not show.
Readers without access to names (`exact=False`: the coordinators) get every breakdown through
complementary suppression and small headline totals as 「3未満」; the document's builders then
show what they are given.
"""

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from attendance.services.reports import (
    NONE_SCHOOL,
    period_months,
    period_report,
    period_within_fiscal_year,
)
from core.figures import SMALL, SMALL_COUNT, WITHHELD, cell_label, suppress_breakdown
from programs.kinds import SupportKind

from ..documents.content import Breakdown, FigureRow, ReportDocument, ReportSection

__all__ = [
    "a_year_before",
    "build_report_document",
    "period_label",
    "period_within_fiscal_year",
]

# Spelled out rather than strftime("%B"), which follows the server's C locale.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# The outcome flags the ministry asks for, in the order of its template.
OUTCOME_ROWS = (
    ("took_equivalency_exam", gettext_noop("Took the equivalency exam (people)")),
    ("passed_equivalency_exam", gettext_noop("Passed the equivalency exam (people)")),
    ("employed", gettext_noop("Employed (people)")),
    ("returned_to_school", gettext_noop("Returned to school (people)")),
    ("further_education", gettext_noop("Went on to further education (people)")),
    ("continuing_consultation", gettext_noop("Still in consultation (people)")),
)


def a_year_before(day: dt.date) -> dt.date:
    """The same day a year earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _japanese() -> bool:
    return (translation.get_language() or "").startswith("ja")


def period_label(first_day: dt.date, last_day: dt.date) -> str:
    """「令和7年度（2025年4月1日〜2025年9月30日）」 in Japanese, "Fiscal year 2025 (1 April
    2025 – 30 September 2025)" otherwise. Reiwa 1 is 2019, so fiscal year N is Reiwa N − 2018
    (every fiscal year the data can hold is in the Reiwa era)."""
    fiscal_year = period_within_fiscal_year(first_day, last_day)
    if _japanese():

        def day(d: dt.date) -> str:
            return f"{d.year}年{d.month}月{d.day}日"

        era = fiscal_year - 2018
        return f"令和{'元' if era == 1 else era}年度（{day(first_day)}〜{day(last_day)}）"

    def day(d: dt.date) -> str:
        return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"

    return f"Fiscal year {fiscal_year} ({day(first_day)} – {day(last_day)})"


def _month_row_label(key: int) -> str:
    month = key % 100
    return f"{month}月" if _japanese() else MONTH_NAMES[month - 1][:3]


def _headline_values(report: dict) -> list[tuple[str, int]]:
    outcomes = report["outcomes"]
    return [
        (_("Users of learning consultation and support"), report["unique_participants"]),
        (_("Total visits"), report["total_visits"]),
        (_("Continuing participants"), report["continuing_participants"]),
        (_("New participants"), report["new_participants"]),
        (_("No-shows"), report["no_shows"]),
        *[(_(label), outcomes[flag]) for flag, label in OUTCOME_ROWS],
    ]


def _has_data(report: dict) -> bool:
    return bool(report["total_visits"] or report["no_shows"] or any(report["outcomes"].values()))


def _headline(current: dict, previous: dict, *, exact: bool) -> list[FigureRow]:
    """A total names nobody, so it stays exact for every reader, except when it is small:
    「1人」 of a small school is someone everybody knows."""

    def shown(value: int) -> int | str:
        return value if exact or value >= SMALL_COUNT else cell_label(SMALL)

    has_previous = _has_data(previous)
    return [
        FigureRow(label, shown(value), shown(before) if has_previous else None)
        for (label, value), (_label, before) in zip(
            _headline_values(current), _headline_values(previous), strict=True
        )
    ]


def _breakdown_rows(report: dict, dimension: str) -> list[list[int]]:
    return [[row["visits"], row["unique"]] for row in report["breakdown"][dimension]]


def _breakdown(
    title: str, labels: list[str], current: list[list[int]], previous: list[list[int]], exact: bool
) -> Breakdown:
    """Visits and participants this period and the previous one. Each column is suppressed on
    its own (its total is published, or could be worked out), never a row."""
    columns = [
        [row[0] for row in current],
        [row[0] for row in previous],
        [row[1] for row in current],
        [row[1] for row in previous],
    ]
    if not exact:
        # A shown count stays an int (FigureRow and Breakdown keep numbers as numbers).
        shown = [
            [cell_label(c) if c in (SMALL, WITHHELD) else c for c in suppress_breakdown(column)]
            for column in columns
        ]
        columns = _participants_hidden_with_visits(columns, shown)
    return Breakdown(
        title=title,
        columns=[
            _("Visits (this period)"),
            _("Visits (previous year)"),
            _("Participants (this period)"),
            _("Participants (previous year)"),
        ],
        rows=[(label, [column[n] for column in columns]) for n, label in enumerate(labels)],
    )


def _participants_hidden_with_visits(true: list[list[int]], shown: list[list]) -> list[list]:
    """Participants are at most the visits of their row, and present exactly when visits are:
    a participants count shown beside a hidden visits count would bound it (4 participants
    say "at least 4 visits"), and with the column's total that can pin a hidden small cell
    down. So where a period's visits are hidden, so are its participants, labelled by their own
    size ("<3" below 3, "withheld" otherwise) as every other hidden cell."""
    for visits, people in ((0, 2), (1, 3)):
        for row, cell in enumerate(shown[visits]):
            if isinstance(cell, str) and not isinstance(shown[people][row], str):
                value = true[people][row]
                shown[people][row] = cell_label(SMALL if value < SMALL_COUNT else WITHHELD)
    return shown


def _breakdowns(current: dict, previous: dict, *, exact: bool) -> list[Breakdown]:
    months = period_months(current["first_day"], current["last_day"])
    by_month = _breakdown(
        _("Visits and participants by month"),
        [_month_row_label(key) for key in months],
        _breakdown_rows(current, "month"),
        _breakdown_rows(previous, "month"),
        exact,
    )
    kinds = [str(label) for label in SupportKind.labels]
    by_kind = _breakdown(
        _("Visits and participants by kind of support"),
        kinds,
        _breakdown_rows(current, "kind"),
        _breakdown_rows(previous, "kind"),
        exact,
    )
    # Schools by name: both periods list every school of today, zeros included (a school with
    # nobody in it is a cell too, see core.figures.suppress_breakdown).
    names = [row["key"] for row in current["breakdown"]["school"]]
    before = {row["key"]: [row["visits"], row["unique"]] for row in previous["breakdown"]["school"]}
    by_school = _breakdown(
        _("Visits and participants by school"),
        [_("No school") if name == NONE_SCHOOL else name for name in names],
        _breakdown_rows(current, "school"),
        [before.get(name, [0, 0]) for name in names],
        exact,
    )
    return [by_month, by_kind, by_school]


def _notes(first_day: dt.date, last_day: dt.date, fiscal_year: int, *, exact: bool) -> list[str]:
    notes = [
        _(
            "Each figure is shown beside the same days of the previous fiscal year. Continuing "
            "participants also came in the previous fiscal year; new participants had never "
            "come before the period."
        )
    ]
    if (first_day, last_day) != (dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)):
        notes.append(
            _(
                "Outcomes (equivalency exam, employment, return to school, further education) "
                "are recorded for a whole fiscal year: they are the year's outcomes as recorded "
                "when this report was made, and the previous year's in full."
            )
        )
    if not exact:
        notes.append(
            _(
                "Counts below 3 read “<3”, and further cells are withheld where the totals "
                "would give a small count back."
            )
        )
    return notes


def build_report_document(
    first_day: dt.date,
    last_day: dt.date,
    *,
    now: dt.datetime,
    exact: bool,
    sections: list[ReportSection],
    title: str | None = None,
) -> ReportDocument:
    """The figures of `first_day` … `last_day` (one fiscal year: ValueError otherwise) beside
    the same days of the previous year, with the narrative `sections`, in the active language.
    `exact=False` for readers who must not single anyone out (coordinators)."""
    fiscal_year = period_within_fiscal_year(first_day, last_day)
    previous_first, previous_last = a_year_before(first_day), a_year_before(last_day)
    current = period_report(first_day, last_day, now=now)
    previous = period_report(previous_first, previous_last, now=now)
    whole_year = (first_day, last_day) == (
        dt.date(fiscal_year, 4, 1),
        dt.date(fiscal_year + 1, 3, 31),
    )
    if title is None:
        title = _("Yearly report") if whole_year else _("Mid-year report")
    return ReportDocument(
        title=title,
        fiscal_year=fiscal_year,
        first_day=first_day,
        last_day=last_day,
        period_label=period_label(first_day, last_day),
        previous_label=period_label(previous_first, previous_last),
        headline=_headline(current, previous, exact=exact),
        breakdowns=_breakdowns(current, previous, exact=exact),
        sections=list(sections),
        suppressed=not exact,
        generated_at=now,
        notes=_notes(first_day, last_day, fiscal_year, exact=exact),
    )
