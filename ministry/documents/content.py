"""What a ministry report document is made of, independent of its file format.

`ministry.services` fills these from the database (the narrative written in the admin and the
figures of a period); `ministry.documents` turns them into a PowerPoint deck or a PDF. Plain
data, already in the reader's language and already suppressed where the reader may not see
small counts, so the builders never decide what a reader may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReportImage:
    """An image of the narrative (the 実施体制 diagram, a photo), as PNG or JPEG bytes."""

    data: bytes
    caption: str = ""


@dataclass(frozen=True)
class ReportSection:
    """One section of the ministry's template (背景, 実施内容, ...): its title, its text as
    paragraphs (rich text flattened: one string per paragraph or list item) and its images."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    images: list[ReportImage] = field(default_factory=list)


@dataclass(frozen=True)
class FigureRow:
    """One figure beside the same period of the previous year. A value is an int, or a string
    when it is suppressed for the reader (「3未満」, 「非公表」); `previous` is None when the
    previous year has no data."""

    label: str
    value: int | str
    previous: int | str | None = None


@dataclass(frozen=True)
class Breakdown:
    """A table of the report (visits by month, by kind of support, by school) and its chart.
    `columns` name the values of each row (the row's label has no column); the first two are
    this period and the previous one, which the chart draws side by side."""

    title: str
    columns: list[str]
    rows: list[tuple[str, list[int | str]]]


@dataclass(frozen=True)
class ReportDocument:
    """Everything a document shows, for one period inside one fiscal year."""

    title: str
    fiscal_year: int
    first_day: dt.date
    last_day: dt.date
    period_label: str
    previous_label: str
    headline: list[FigureRow]
    breakdowns: list[Breakdown]
    sections: list[ReportSection]
    suppressed: bool
    generated_at: dt.datetime
    # What a reader must know to read the figures right (how a mid-year period shows the
    # year's outcomes, the suppression rule), shown under the headline figures.
    notes: list[str] = field(default_factory=list)
