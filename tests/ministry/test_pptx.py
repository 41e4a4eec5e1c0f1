"""The PowerPoint deck read back with python-pptx: the exact figures in real table cells, every
section's text (split over slides, never cut off) and its image with the caption."""

import io

import pytest
from django.utils import translation
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from ministry.documents import build_pptx
from ministry.services.figures import build_report_document

from .conftest import LONG_TEXT, MID, NOW, sample_sections

pytestmark = pytest.mark.django_db


def deck(exact=True):
    with translation.override("en"):
        doc = build_report_document(*MID, now=NOW, exact=exact, sections=sample_sections())
        return doc, Presentation(io.BytesIO(build_pptx(doc)))


def texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def tables(presentation) -> list[list[list[str]]]:
    return [
        [[cell.text for cell in row.cells] for row in shape.table.rows]
        for slide in presentation.slides
        for shape in slide.shapes
        if shape.has_table
    ]


def test_headline_table_holds_the_exact_figures(report_data):
    _doc, presentation = deck()
    found = tables(presentation)
    assert len(found) == 4  # the headline and three breakdowns
    assert found[0][0] == [
        "Figure",
        "This period",
        "Same period last year",
        "Change from last year",
    ]
    assert found[0][1:] == [
        ["Users of learning consultation and support", "4", "3", "+1"],
        ["Total visits", "5", "4", "+1"],
        ["Continuing participants", "3", "1", "+2"],
        ["New participants", "1", "2", "-1"],
        ["No-shows", "1", "1", "±0"],
        ["Took the equivalency exam (people)", "2", "1", "+1"],
        ["Passed the equivalency exam (people)", "1", "0", "+1"],
        ["Employed (people)", "1", "0", "+1"],
        ["Returned to school (people)", "1", "1", "±0"],
        ["Went on to further education (people)", "1", "0", "+1"],
        ["Still in consultation (people)", "0", "1", "-1"],
    ]


def test_breakdown_slides_hold_their_table_and_chart(report_data):
    doc, presentation = deck()
    by_school = tables(presentation)[3]
    assert by_school == [
        ["", *doc.breakdowns[2].columns],
        ["益田高校", "3", "1", "2", "1"],
        ["翔陽高校", "1", "3", "1", "2"],
        ["No school", "1", "0", "1", "0"],
    ]
    breakdown_slides = list(presentation.slides)[-3:]
    assert [texts(slide)[0] for slide in breakdown_slides] == [b.title for b in doc.breakdowns]
    for slide in breakdown_slides:
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1 and pictures[0].image.content_type == "image/png"


def test_suppressed_cells_read_as_labels(report_data):
    _doc, presentation = deck(exact=False)
    headline = tables(presentation)[0]
    assert headline[4] == ["New participants", "<3", "<3", "—"]
    assert headline[2] == ["Total visits", "5", "4", "+1"]


def test_sections_are_split_across_slides_not_cut(report_data):
    doc, presentation = deck()
    slides = list(presentation.slides)
    assert texts(slides[0])[0] == "Mid-year report"
    assert doc.period_label in texts(slides[0])[1]
    background = [s for s in slides if texts(s) and texts(s)[0].startswith("1 背景")]
    assert len(background) >= 2
    assert texts(background[1])[0] == "1 背景 (continued)"
    body = "".join(texts(s)[1].replace("\n", "") for s in background)
    assert body == LONG_TEXT + "二段落目の本文。"
    structure = [s for s in slides if texts(s) and texts(s)[0] == "8 実施体制"]
    assert len(structure) == 2  # the text, then the diagram with its caption
    assert texts(structure[0])[1] == "学校、教育委員会、福祉部局、NPOが連携する。"
    pictures = [s for s in structure[1].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1 and "実施体制図" in texts(structure[1])
