"""What the slides and the PDF both show, as plain strings: the tables' cells, the change from
the previous year, and the narrative cut into pieces that fit a page. One definition, so the
PowerPoint file and the PDF cannot disagree on a figure."""

from django.utils.translation import gettext as _

from .content import Breakdown, FigureRow, ReportDocument

NO_VALUE = "—"


def cell(value: int | str | None) -> str:
    """A count as the tables print it (1,234), a suppressed label as it is, nothing as a dash."""
    if value is None:
        return NO_VALUE
    if isinstance(value, int):
        return f"{value:,}"
    return value


def change(row: FigureRow) -> str:
    """This period minus the previous one; a dash when either is hidden or missing (a change
    computed from a hidden count would give it back)."""
    if not isinstance(row.value, int) or not isinstance(row.previous, int):
        return NO_VALUE
    difference = row.value - row.previous
    return f"+{difference:,}" if difference > 0 else f"{difference:,}" if difference else "±0"


def headline_table(doc: ReportDocument) -> list[list[str]]:
    """The header and one row per headline figure: label, this period, previous, change."""
    header = [_("Figure"), _("This period"), _("Same period last year"), _("Change from last year")]
    return [header] + [
        [row.label, cell(row.value), cell(row.previous), change(row)] for row in doc.headline
    ]


def breakdown_table(breakdown: Breakdown) -> list[list[str]]:
    """The header (an empty corner above the row labels) and one row per line of the table."""
    return [["", *breakdown.columns]] + [
        [label, *(cell(value) for value in values)] for label, values in breakdown.rows
    ]


def text_weight(text: str) -> float:
    """How much room a text takes: a Japanese character is about twice a Latin one."""
    return sum(1.0 if ord(char) > 0x2E7F else 0.55 for char in text)


def pages_of(paragraphs: list[str], budget: float) -> list[list[str]]:
    """The paragraphs in order, grouped so that each group's weight stays within `budget`; a
    paragraph longer than a whole page is cut at a sentence end (「。」 or ". ") when one is
    near, else at the budget, and continued on the next page."""
    pages: list[list[str]] = [[]]
    room = budget
    for paragraph in paragraphs:
        rest = paragraph.strip()
        if not rest:
            continue
        while rest:
            weight = text_weight(rest) + 2  # a paragraph's spacing costs about two characters
            if weight <= room:
                pages[-1].append(rest)
                room -= weight
                break
            if pages[-1] and room < budget / 3:
                pages.append([])
                room = budget
                continue
            head, rest = _cut(rest, room - 2)
            if head:
                pages[-1].append(head)
            pages.append([])
            room = budget
    return [page for page in pages if page] or [[]]


def _cut(text: str, room: float) -> tuple[str, str]:
    """The longest head of `text` that fits `room`, ending at a sentence end when one is in the
    last third of it."""
    used, end = 0.0, 0
    for end, char in enumerate(text):  # noqa: B007 - `end` is read after the loop
        used += text_weight(char)
        if used > room:
            break
    else:
        return text, ""
    head = text[:end]
    stops = [head.rfind(mark) + len(mark) for mark in ("。", ". ", "！", "？")]
    stop = max(stops)
    if stop > len(head) * 2 // 3:
        head = head[:stop]
    return head.rstrip(), text[len(head) :].lstrip()
