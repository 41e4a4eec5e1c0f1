"""The narrative as the documents get it: published text only, in the template's order, rich
text as plain paragraphs, images as PNG/JPEG bytes with their caption, unreadable images left
out."""

import logging
from io import BytesIO

import pytest
from django.core.cache import cache
from django.utils import translation
from PIL import Image as PILImage

from ministry.documents.content import ReportImage, ReportSection
from ministry.models import SECTION_FIELDS, MinistryReport
from ministry.services.sections import (
    CHANGED,
    DRAFT,
    EMPTY,
    PUBLISHED,
    report_sections,
    rich_text_paragraphs,
    section_states,
)
from tests.factories import make_image

from .narrative_factories import (
    damaged_image,
    jpeg_image,
    make_report,
    missing_image,
    picture,
    save_draft,
    text,
)

pytestmark = pytest.mark.django_db

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


@pytest.fixture(autouse=True)
def _english():
    # Section titles are the fields' verbose names in the reader's language; the Japanese ones
    # come from the catalogue, so the tests read the English msgids.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_cached_renditions():
    # Wagtail caches renditions by image id; a rolled-back image's id comes back in a later test.
    cache.clear()
    yield
    cache.clear()


def test_no_report_and_a_never_published_report_give_no_sections():
    assert report_sections(None) == []
    draft = make_report(publish=False, background=[text("<p>下書きの背景</p>")])
    assert draft.live is False
    assert report_sections(MinistryReport.objects.get(pk=draft.pk)) == []


def test_published_sections_come_in_the_templates_order_and_empty_ones_are_left_out():
    report = make_report(
        organisation=[text("<p>体制</p>")],
        background=[text("<p>背景の本文</p>")],
        results=[text("<p>成果の本文</p>")],
    )
    sections = report_sections(report)
    assert [s.paragraphs for s in sections] == [["背景の本文"], ["成果の本文"], ["体制"]]
    assert [s.title for s in sections] == ["Background", "Results and effects", "Organisation"]
    assert all(isinstance(s, ReportSection) and s.images == [] for s in sections)


def test_every_section_has_its_title_from_the_template():
    report = make_report(**{name: [text(f"<p>{name}</p>")] for name in SECTION_FIELDS})
    titles = [s.title for s in report_sections(report)]
    assert titles == [
        "Background",
        "Activities",
        "Challenges such as the pandemic, and responses",
        "How the people the programme is for were reached",
        "Publicity",
        "Results and effects",
        "Issues and next steps",
        "Organisation",
    ]


def test_a_draft_is_not_in_the_document_until_published_and_then_replaces_the_old_text():
    report = make_report(background=[text("<p>公開済みの背景</p>")])
    revision = save_draft(report, background=[text("<p>新しい背景（下書き）</p>")])
    fresh = MinistryReport.objects.get(pk=report.pk)
    assert fresh.has_unpublished_changes
    assert [s.paragraphs for s in report_sections(fresh)] == [["公開済みの背景"]]
    assert [s.state for s in section_states(fresh)][:2] == [CHANGED, EMPTY]

    revision.publish()
    fresh = MinistryReport.objects.get(pk=report.pk)
    assert [s.paragraphs for s in report_sections(fresh)] == [["新しい背景（下書き）"]]
    assert [s.state for s in section_states(fresh)][:2] == [PUBLISHED, EMPTY]


def test_section_states_tell_published_drafted_and_empty_apart():
    report = make_report(background=[text("<p>背景</p>")])
    save_draft(report, activities=[text("<p>実施内容の下書き</p>")])
    states = section_states(MinistryReport.objects.get(pk=report.pk))
    assert len(states) == len(SECTION_FIELDS)
    assert [s.state for s in states] == [PUBLISHED, DRAFT, *[EMPTY] * 6]
    assert [s.state for s in section_states(None)] == [EMPTY] * 8
    never_published = make_report(2025, publish=False, results=[text("<p>成果</p>")])
    assert section_states(never_published)[5].state == DRAFT


def test_rich_text_is_flattened_to_paragraphs_headings_and_list_items():
    html = (
        "<h3>学習支援</h3>"
        "<p>週に<b>3回</b>、<a href='https://example.org'>学習スペース</a>を開きました。<br/>"
        "土日も開室。</p>"
        "<ul><li>理科実験</li><li>フィールド  ワーク</li></ul>"
        "<ol><li>相談を受ける</li><li>計画を立てる</li></ol>"
        "<p>&lt;script&gt; は文字のまま &amp; 記号も</p>"
        "<p> </p>"
    )
    assert rich_text_paragraphs(text(html)[1]) == [
        "学習支援",
        "週に3回、学習スペースを開きました。 土日も開室。",
        "・理科実験",
        "・フィールド ワーク",
        "1. 相談を受ける",
        "2. 計画を立てる",
        "<script> は文字のまま & 記号も",
    ]


def test_links_to_pages_and_embeds_leave_only_their_text():
    html = (
        '<p>詳しくは<a linktype="page" id="3">プログラム一覧</a>へ。</p>'
        '<embed embedtype="image" id="1" format="fullwidth" alt="図"/>'
        "<ul><li>外側<ul><li>内側</li></ul></li></ul>"
    )
    assert rich_text_paragraphs(text(html)[1]) == ["詳しくはプログラム一覧へ。", "・外側", "・内側"]


def test_images_come_as_bounded_png_or_jpeg_with_their_caption():
    diagram = jpeg_image()
    photo = make_image(title="活動の様子")
    report = make_report(
        organisation=[text("<p>連携の図です。</p>"), picture(diagram, "実施体制図 ")],
        results=[picture(photo)],
    )
    sections = report_sections(report)
    assert [s.title for s in sections] == ["Results and effects", "Organisation"]
    (jpeg,) = sections[1].images
    assert isinstance(jpeg, ReportImage)
    assert jpeg.caption == "実施体制図"
    assert jpeg.data.startswith(JPEG_MAGIC)
    assert PILImage.open(BytesIO(jpeg.data)).size == (1600, 1000)  # the original is 2400×1500
    (png,) = sections[0].images
    assert png.caption == ""
    assert png.data.startswith(PNG_MAGIC)
    assert sections[0].paragraphs == []


def test_a_damaged_or_missing_image_is_left_out_not_an_error(caplog):
    whole = make_image(title="無事な画像")
    report = make_report(
        publicity=[
            picture(damaged_image(), "壊れた"),
            picture(missing_image(), "消えた"),
            picture(whole, "無事"),
            text("<p>チラシを配りました。</p>"),
        ],
    )
    with caplog.at_level(logging.WARNING, logger="manabiba.images"):
        sections = report_sections(report)
    assert len(sections) == 1
    assert sections[0].paragraphs == ["チラシを配りました。"]
    assert [image.caption for image in sections[0].images] == ["無事"]
    assert sections[0].images[0].data.startswith(PNG_MAGIC)
    left_out = [r for r in caplog.records if "left out" in r.getMessage()]
    assert len(left_out) == 2


def test_a_section_with_only_a_deleted_image_is_left_out():
    image = make_image()
    report = make_report(background=[picture(image, "消される")], results=[text("<p>成果</p>")])
    image.delete()
    sections = report_sections(MinistryReport.objects.get(pk=report.pk))
    assert [s.title for s in sections] == ["Results and effects"]
