"""The ministry report as a PowerPoint deck (python-pptx), editable by the city before sending:
a title slide, the narrative (one slide or more per section, then its images with their
captions), the headline figures as a real table, and one slide per breakdown with its table and
chart. The figures are the document's, already suppressed for the reader."""

import io
from pathlib import Path

from django.utils.translation import gettext as _
from PIL import Image
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from .charts import breakdown_chart
from .content import ReportDocument, ReportImage, ReportSection
from .fonts import FontMissing, report_font
from .tables import breakdown_table, headline_table, pages_of

# The viewer's machine draws the text: a Japanese face every Office for Windows and Mac has.
SLIDE_FONT = "Meiryo"
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
TITLE_HEIGHT = Inches(1.0)
# Weight of text (see tables.text_weight) that fits the body of a slide at BODY_SIZE.
BODY_SIZE = Pt(18)
TEXT_BUDGET = 520


def _style(paragraph, size: Pt, *, bold: bool = False) -> None:
    for run in paragraph.runs:
        run.font.size = size
        run.font.bold = bold
        run.font.name = SLIDE_FONT
        # python-pptx sets the Latin face only; Japanese text takes the East Asian one.
        properties = run._r.get_or_add_rPr()
        for existing in properties.findall(qn("a:ea")):
            properties.remove(existing)
        ea = properties.makeelement(qn("a:ea"), {"typeface": SLIDE_FONT})
        properties.append(ea)


def _slide(deck, title: str):
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    box = slide.shapes.add_textbox(MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, TITLE_HEIGHT)
    box.text_frame.word_wrap = True
    box.text_frame.text = title
    _style(box.text_frame.paragraphs[0], Pt(28), bold=True)
    return slide


def _text(slide, lines: list[str], top, height, size=BODY_SIZE, width=None) -> None:
    box = slide.shapes.add_textbox(MARGIN, top, width or WIDTH - 2 * MARGIN, height)
    frame = box.text_frame
    frame.word_wrap = True
    for n, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.space_after = Pt(8)
        _style(paragraph, size)


def _title_slide(deck, doc: ReportDocument) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text(slide, [doc.title], Inches(2.3), Inches(1.2), Pt(40))
    lines = [doc.period_label, _("Compared with: %(period)s") % {"period": doc.previous_label}]
    _text(slide, lines, Inches(3.7), Inches(1.5), Pt(20))


def _picture(slide, image: ReportImage, top, height) -> None:
    """The image as large as the area allows, its proportions kept, centred."""
    with Image.open(io.BytesIO(image.data)) as opened:
        pixels_w, pixels_h = opened.size
    area_w, area_h = WIDTH - 2 * MARGIN, height - (Inches(0.6) if image.caption else 0)
    scale = min(area_w / pixels_w, area_h / pixels_h)
    width, height_emu = Emu(int(pixels_w * scale)), Emu(int(pixels_h * scale))
    left = Emu(int((WIDTH - width) / 2))
    slide.shapes.add_picture(io.BytesIO(image.data), left, top, width, height_emu)
    if image.caption:
        _text(slide, [image.caption], top + height_emu + Inches(0.1), Inches(0.5), Pt(14))


def _section_slides(deck, section: ReportSection) -> None:
    body_top = MARGIN + TITLE_HEIGHT
    body_height = HEIGHT - body_top - MARGIN
    pages = pages_of(section.paragraphs, TEXT_BUDGET)
    for n, page in enumerate(pages):
        title = section.title if n == 0 else f"{section.title} {_('(continued)')}"
        if page or not section.images:
            _text(_slide(deck, title), page, body_top, body_height)
    for image in section.images:
        _picture(_slide(deck, section.title), image, body_top, body_height)


def _table(slide, rows: list[list[str]], left, top, width, row_height, size) -> None:
    shape = slide.shapes.add_table(
        len(rows), len(rows[0]), left, top, width, row_height * len(rows)
    )
    table = shape.table
    first_width = int(width * 0.4) if len(rows[0]) > 3 else int(width * 0.5)
    table.columns[0].width = Emu(first_width)
    for c in range(1, len(rows[0])):
        table.columns[c].width = Emu(int((width - first_width) / (len(rows[0]) - 1)))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            frame = table.cell(r, c).text_frame
            frame.text = text
            frame.word_wrap = True
            _style(frame.paragraphs[0], size, bold=r == 0)


def _headline_slide(deck, doc: ReportDocument) -> None:
    slide = _slide(deck, _("Figures of the period"))
    rows = headline_table(doc)
    top = MARGIN + TITLE_HEIGHT
    _table(slide, rows, MARGIN, top, WIDTH - 2 * MARGIN, Inches(0.36), Pt(13))
    notes_top = top + Inches(0.36) * len(rows) + Inches(0.2)
    lines = [f"{_('This period')}: {doc.period_label}"]
    lines.append(f"{_('Same period last year')}: {doc.previous_label}")
    _text(slide, lines + list(doc.notes), notes_top, HEIGHT - notes_top - Inches(0.2), Pt(10))


def _breakdown_slide(deck, doc: ReportDocument, breakdown, font: Path | None) -> None:
    slide = _slide(deck, breakdown.title)
    top = MARGIN + TITLE_HEIGHT
    rows = breakdown_table(breakdown)
    row_height = min(Inches(0.4), int((HEIGHT - top - MARGIN) / len(rows)))
    table_width = Inches(6.6) if font else WIDTH - 2 * MARGIN
    _table(slide, rows, MARGIN, top, table_width, row_height, Pt(11))
    if font:
        png = breakdown_chart(
            breakdown,
            font=font,
            this_label=_("This period"),
            previous_label=_("Same period last year"),
        )
        left = MARGIN + table_width + Inches(0.2)
        slide.shapes.add_picture(io.BytesIO(png), left, top, width=WIDTH - left - MARGIN)


def build_pptx(doc: ReportDocument) -> bytes:
    """The deck's bytes. Without a Japanese font on the server the charts are left out (their
    tables hold the same figures): the deck's own text is drawn by the reader's PowerPoint."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _title_slide(deck, doc)
    for section in doc.sections:
        _section_slides(deck, section)
    _headline_slide(deck, doc)
    try:
        font = report_font()
    except FontMissing:
        font = None
    for breakdown in doc.breakdowns:
        _breakdown_slide(deck, doc, breakdown, font)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
