"""The PDF, read back with poppler: it renders page by page (pdftoppm), and its text
(pdftotext) gives back the exact figures and the section texts, in the embedded Japanese font."""

import re
import shutil
import subprocess

import pytest
from django.utils import translation
from PIL import Image

from ministry.documents import build_pdf
from ministry.services.figures import build_report_document

from .conftest import MID, NOW, YEAR, sample_sections

pytestmark = pytest.mark.django_db


def run(*command: str) -> str:
    tool = shutil.which(command[0])
    assert tool, f"{command[0]} is missing: install poppler-utils"
    result = subprocess.run(  # noqa: S603 - fixed tools on files of this test
        [tool, *command[1:]], capture_output=True, text=True, check=True, timeout=120
    )
    return result.stdout


def pdf_file(tmp_path, period=MID, *, exact=True, language="en"):
    with translation.override(language):
        doc = build_report_document(*period, now=NOW, exact=exact, sections=sample_sections())
        content = build_pdf(doc)
    assert content.startswith(b"%PDF-")
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return doc, path


def layout_text(path) -> str:
    return run("pdftotext", "-layout", str(path), "-")


def test_every_page_renders_to_a_png(report_data, tmp_path):
    _doc, path = pdf_file(tmp_path)
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(path))).group(1))
    # Title, two sections, the headline figures, three breakdowns: the long section may
    # take more than one page.
    assert pages >= 7
    run("pdftoppm", "-png", "-r", "50", str(path), str(tmp_path / "page"))
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    for image in images:
        with Image.open(image) as opened:
            assert opened.format == "PNG" and opened.width > 300


def test_text_gives_back_the_exact_figures(report_data, tmp_path):
    doc, path = pdf_file(tmp_path)
    text = layout_text(path)
    for line in (
        r"Users of learning consultation and support\s+4\s+3\s+\+1",
        r"Total visits\s+5\s+4\s+\+1",
        r"Continuing participants\s+3\s+1\s+\+2",
        r"New participants\s+1\s+2\s+-1",
        r"No-shows\s+1\s+1\s+±0",
        r"Still in consultation \(people\)\s+0\s+1\s+-1",
        r"益田高校\s+3\s+1\s+2\s+1",
        r"翔陽高校\s+1\s+3\s+1\s+2",
        r"Apr\s+2\s+2\s+1\s+1",
    ):
        assert re.search(line, text), line
    assert doc.period_label in text
    plain = run("pdftotext", str(path), "-").replace("\n", "")
    assert "二段落目の本文。" in plain and "実施体制図" in plain
    assert "益田市では高校中退や不登校の生徒が学び直せる場を広げてきた。" in plain


def test_japanese_labels_and_suppressed_cells(report_data, tmp_path):
    _doc, path = pdf_file(tmp_path, YEAR, exact=False, language="ja")
    text = layout_text(path)
    assert "令和8年度（2026年4月1日〜2027年3月31日）" in text
    assert re.search(r"延べ利用者数\s+8\s+6\s+\+2", text)
    # 益田高校's 5 visits stay; the two small schools read 3未満.
    assert re.search(r"益田高校\s+5\s+3\s+3\s+(3未満|非公表)", text)
    assert re.search(r"翔陽高校\s+3未満\s+", text)
