"""The ministry report as a PDF (reportlab), the same content as the deck: title page, the
narrative with its images and captions, the headline figures and each breakdown with its table
and chart. The Japanese font is embedded (a TrueType file on the server, `fonts.report_font`),
so the PDF reads the same on any machine; without it there is no PDF (FontMissing)."""

import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .charts import breakdown_chart
from .content import ReportDocument, ReportImage, ReportSection
from .fonts import PDF_FONT_NAME, report_font
from .tables import breakdown_table, headline_table

PAGE = landscape(A4)
MARGIN = 15 * mm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN
FRAME_HEIGHT = PAGE[1] - 2 * MARGIN


def _register(font: Path) -> str:
    """The font under PDF_FONT_NAME; registered again when the path changed (settings in
    tests, or a font replaced on the server)."""
    try:
        registered = pdfmetrics.getFont(PDF_FONT_NAME)
    except KeyError:
        registered = None
    if registered is None or getattr(registered, "_manabiba_path", None) != str(font):
        ttf = TTFont(PDF_FONT_NAME, str(font))
        ttf._manabiba_path = str(font)
        pdfmetrics.registerFont(ttf)
    return PDF_FONT_NAME


def _styles(font: str) -> dict[str, ParagraphStyle]:
    # wordWrap="CJK": Japanese has no spaces, so lines may break between any two characters.
    base = ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    centred = {"alignment": TA_CENTER}
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontSize=26, leading=34, **centred),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=14, leading=22, **centred),
        "heading": ParagraphStyle("heading", parent=base, fontSize=17, leading=24, spaceAfter=8),
        "caption": ParagraphStyle("caption", parent=base, fontSize=9, leading=13, **centred),
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=12),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _image(data: bytes, max_width: float, max_height: float) -> Image:
    """An image as large as the box allows, its proportions kept."""
    image = Image(io.BytesIO(data))
    scale = min(max_width / image.imageWidth, max_height / image.imageHeight)
    image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
    return image


def _figure(image: ReportImage, styles) -> KeepTogether:
    parts = [_image(image.data, FRAME_WIDTH, FRAME_HEIGHT * 0.75)]
    if image.caption:
        parts += [Spacer(1, 2 * mm), _p(image.caption, styles["caption"])]
    return KeepTogether([*parts, Spacer(1, 6 * mm)])


def _section(section: ReportSection, styles) -> list:
    story = [_p(section.title, styles["heading"])]
    story += [_p(text, styles["body"]) for text in section.paragraphs if text.strip()]
    story += [_figure(image, styles) for image in section.images]
    return [*story, PageBreak()]


def _table(rows: list[list[str]], styles, widths: list[float]) -> Table:
    cells = [[_p(text, styles["cell"]) for text in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e2e8f0")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _headline(doc: ReportDocument, styles) -> list:
    rows = headline_table(doc)
    widths = [FRAME_WIDTH * 0.4] + [FRAME_WIDTH * 0.2] * 3
    story = [_p(_("Figures of the period"), styles["heading"]), _table(rows, styles, widths)]
    story.append(Spacer(1, 4 * mm))
    story.append(_p(f"{_('This period')}: {doc.period_label}", styles["note"]))
    story.append(_p(f"{_('Same period last year')}: {doc.previous_label}", styles["note"]))
    story += [_p(note, styles["note"]) for note in doc.notes]
    return [*story, PageBreak()]


def _breakdown(breakdown, styles, font: Path) -> list:
    rows = breakdown_table(breakdown)
    table_width = FRAME_WIDTH * 0.48
    widths = [table_width * 0.28] + [table_width * 0.18] * (len(rows[0]) - 1)
    png = breakdown_chart(
        breakdown, font=font, this_label=_("This period"), previous_label=_("Same period last year")
    )
    chart = _image(png, FRAME_WIDTH - table_width - 6 * mm, FRAME_HEIGHT * 0.8)
    side_by_side = Table(
        [[_table(rows, styles, widths), chart]], colWidths=[table_width + 6 * mm, None]
    )
    side_by_side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [_p(breakdown.title, styles["heading"]), side_by_side, PageBreak()]


def build_pdf(doc: ReportDocument) -> bytes:
    """The PDF's bytes. Raises fonts.FontMissing when the server has no Japanese font."""
    font_path = report_font()
    styles = _styles(_register(font_path))
    story = [
        Spacer(1, FRAME_HEIGHT * 0.3),
        _p(doc.title, styles["title"]),
        Spacer(1, 8 * mm),
        _p(doc.period_label, styles["subtitle"]),
        _p(_("Compared with: %(period)s") % {"period": doc.previous_label}, styles["subtitle"]),
        PageBreak(),
    ]
    for section in doc.sections:
        story += _section(section, styles)
    story += _headline(doc, styles)
    for breakdown in doc.breakdowns:
        story += _breakdown(breakdown, styles, font_path)
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=doc.title,
        author="",
        creator="Manabiba",
    )
    pdf.build(story[:-1] if isinstance(story[-1], PageBreak) else story)
    return buffer.getvalue()
