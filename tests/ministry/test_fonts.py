"""The documents' Japanese font: found on the server, or a clear FontMissing that names the
Debian package. A configured path is used alone, never silently replaced."""

import datetime as dt
import io

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from ministry.documents import build_pdf, build_pptx
from ministry.documents.content import Breakdown, FigureRow, ReportDocument
from ministry.documents.fonts import (
    DEBIAN_PACKAGE,
    KNOWN_PATHS,
    FontMissing,
    find_japanese_font,
    report_font,
)

IPAEX = KNOWN_PATHS[0]


def small_document() -> ReportDocument:
    return ReportDocument(
        title="中間報告",
        fiscal_year=2026,
        first_day=dt.date(2026, 4, 1),
        last_day=dt.date(2026, 9, 30),
        period_label="令和8年度（2026年4月1日〜2026年9月30日）",
        previous_label="令和7年度（2025年4月1日〜2025年9月30日）",
        headline=[FigureRow("延べ利用者数", 12, 9)],
        breakdowns=[Breakdown("月別", ["今期", "前年"], [("4月", [12, 9])])],
        sections=[],
        suppressed=False,
        generated_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
    )


def test_the_servers_font_is_found(settings):
    settings.MINISTRY_REPORT_FONT = None
    assert str(report_font()) == IPAEX


def test_the_setting_names_the_font(settings):
    settings.MINISTRY_REPORT_FONT = IPAEX
    assert str(report_font()) == IPAEX


def test_a_configured_font_that_is_not_there_is_missing(settings, tmp_path):
    settings.MINISTRY_REPORT_FONT = str(tmp_path / "missing.ttf")
    with pytest.raises(FontMissing, match=DEBIAN_PACKAGE) as error:
        report_font()
    assert "missing.ttf" in str(error.value)
    with pytest.raises(FontMissing):
        build_pdf(small_document())


def test_the_deck_is_still_made_without_charts(settings, tmp_path):
    settings.MINISTRY_REPORT_FONT = str(tmp_path / "missing.ttf")
    deck = Presentation(io.BytesIO(build_pptx(small_document())))
    shapes = [shape for slide in deck.slides for shape in slide.shapes]
    assert sum(shape.has_table for shape in shapes) == 2
    assert not [s for s in shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_no_font_anywhere_is_missing(tmp_path):
    with pytest.raises(FontMissing, match=f"apt-get install {DEBIAN_PACKAGE}"):
        find_japanese_font(None, candidates=[str(tmp_path / "none.ttf")], fontconfig=list)


def test_fontconfig_is_asked_after_the_known_paths(tmp_path):
    found = find_japanese_font(
        None, candidates=[str(tmp_path / "none.ttf")], fontconfig=lambda: [IPAEX]
    )
    assert str(found) == IPAEX


def test_an_opentype_font_is_refused(settings, tmp_path):
    otf = tmp_path / "font.otf"
    otf.write_bytes(b"OTTO")
    settings.MINISTRY_REPORT_FONT = str(otf)
    with pytest.raises(FontMissing, match="TrueType"):
        report_font()
