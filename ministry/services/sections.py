"""The narrative of the ministry report as the documents show it, and where each section stands.

Only published text reaches a document: a draft, or a change waiting for moderation, never does.
Rich text is flattened to plain paragraphs (the documents lay out text, not HTML), images become
PNG or JPEG bytes of a bounded rendition, and an image whose file is missing or damaged is left
out (core/images.py) rather than stopping the download.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html.parser import HTMLParser

from wagtail.rich_text import RichText

from core.images import RENDITION_ERRORS, safe_rendition
from ministry.documents.content import ReportImage, ReportSection
from ministry.models import SECTION_FIELDS, MinistryReport

logger = logging.getLogger("manabiba.images")

# Large enough for a full slide or an A4 page, small enough to keep a deck light.
RENDITION_SPEC = "max-1600x1200"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"

PUBLISHED = "published"
CHANGED = "changed"  # published, with a newer draft not yet published
DRAFT = "draft"  # only a draft has text
EMPTY = "empty"


def section_title(field_name: str) -> str:
    return str(MinistryReport._meta.get_field(field_name).verbose_name)


def live_report(report: MinistryReport | None) -> MinistryReport | None:
    """The published version of `report` (as loaded from the database), or None. A snippet's
    row holds its live content while later drafts live in revisions; a never-published,
    unpublished or expired report is all draft."""
    if report is None or not report.live:
        return None
    return report


def report_sections(report: MinistryReport | None) -> list[ReportSection]:
    """The published sections with text or images, in the order of the ministry's template.
    A section with nothing published is left out: the admin page lists those before anyone
    downloads, and a document should not carry empty slides."""
    live = live_report(report)
    if live is None:
        return []
    sections = []
    for field_name in SECTION_FIELDS:
        paragraphs, images = flatten_stream(getattr(live, field_name))
        if paragraphs or images:
            sections.append(
                ReportSection(title=section_title(field_name), paragraphs=paragraphs, images=images)
            )
    return sections


def flatten_stream(stream) -> tuple[list[str], list[ReportImage]]:
    paragraphs: list[str] = []
    images: list[ReportImage] = []
    for child in stream:
        if child.block_type == "paragraph":
            paragraphs.extend(rich_text_paragraphs(child.value))
        elif child.block_type == "image":
            image = report_image(child.value.get("image"), child.value.get("caption") or "")
            if image is not None:
                images.append(image)
    return paragraphs, images


def rich_text_paragraphs(value: RichText | str) -> list[str]:
    """Plain text of each paragraph, heading and list item of a rich text value: no markup,
    entities decoded, white space collapsed. Items of a bulleted list start with 「・」, items of
    a numbered list with their number, so the list still reads as one."""
    source = value.source if isinstance(value, RichText) else str(value or "")
    parser = _ParagraphParser()
    parser.feed(source)
    parser.close()
    return parser.paragraphs


class _ParagraphParser(HTMLParser):
    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "div", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._text: list[str] = []
        self._prefix = ""
        # One entry per open list: its tag and the number of items seen so far.
        self._lists: list[list] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self._flush()
            self._lists.append([tag, 0])
        elif tag == "li":
            self._flush()
            if self._lists:
                self._lists[-1][1] += 1
                kind, number = self._lists[-1]
                self._prefix = "・" if kind == "ul" else f"{number}. "
        elif tag in self.BLOCKS:
            self._flush()
        elif tag == "br":
            self._text.append(" ")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            self._flush()
            if self._lists:
                self._lists.pop()
        elif tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        self._text.append(data)

    def close(self):
        super().close()
        self._flush()

    def _flush(self):
        text = " ".join("".join(self._text).split())
        if text:
            self.paragraphs.append(self._prefix + text)
        self._text = []
        self._prefix = ""


def report_image(image, caption: str) -> ReportImage | None:
    """The image as PNG or JPEG bytes, or None when it is gone or cannot be read."""
    if image is None:
        return None
    data = _rendition_bytes(image, RENDITION_SPEC)
    if data is not None and not data.startswith((PNG_MAGIC, JPEG_MAGIC)):
        # A GIF or WebP original keeps its format in a rendition; the documents take only these.
        data = _rendition_bytes(image, f"{RENDITION_SPEC}|format-png")
    if data is None:
        return None
    return ReportImage(data=data, caption=caption.strip())


def _rendition_bytes(image, spec: str) -> bytes | None:
    rendition = safe_rendition(image, spec)
    if rendition is None:
        return None
    try:
        with rendition.file.open("rb") as handle:
            return handle.read()
    except RENDITION_ERRORS as exc:
        logger.warning(
            "Image %s left out: its rendition %s cannot be read: %s", image.pk, spec, exc
        )
        return None


@dataclass(frozen=True)
class SectionState:
    field_name: str
    title: str
    state: str  # PUBLISHED, CHANGED, DRAFT or EMPTY


def section_states(report: MinistryReport | None) -> list[SectionState]:
    """Where each section stands, for the admin page: what a download would include now, and
    what is written but not yet published."""
    live = live_report(report)
    draft = None
    if report is not None and (not report.live or report.has_unpublished_changes):
        revision = report.latest_revision
        draft = revision.as_object() if revision is not None else report
    states = []
    for field_name in SECTION_FIELDS:
        field = MinistryReport._meta.get_field(field_name)
        has_live = live is not None and _has_content(getattr(live, field_name))
        has_draft = draft is not None and _has_content(getattr(draft, field_name))
        if has_live and draft is not None and _differs(field, live, draft):
            state = CHANGED
        elif has_live:
            state = PUBLISHED
        elif has_draft:
            state = DRAFT
        else:
            state = EMPTY
        states.append(SectionState(field_name, section_title(field_name), state))
    return states


def _has_content(stream) -> bool:
    for child in stream:
        if child.block_type == "image" and child.value.get("image") is not None:
            return True
        if child.block_type == "paragraph" and rich_text_paragraphs(child.value):
            return True
    return False


def _differs(field, live, draft) -> bool:
    return field.value_to_string(live) != field.value_to_string(draft)
