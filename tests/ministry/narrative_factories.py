"""Narratives of the ministry report, written as the admin writes them: a row, then revisions,
published or not."""

from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from ministry.models import SECTION_FIELDS, MinistryReport
from tests.factories import make_image


def text(html: str) -> tuple[str, RichText]:
    return ("paragraph", RichText(html))


def picture(image, caption: str = "") -> tuple[str, dict]:
    return ("image", {"image": image, "alt_text": "", "caption": caption})


def make_report(fiscal_year: int = 2026, *, publish: bool = True, by=None, **sections):
    """A report whose sections are `sections` (field name → list of blocks), saved as one
    revision: published, or a draft that never was."""
    unknown = set(sections) - set(SECTION_FIELDS)
    assert unknown == set(), unknown
    report = MinistryReport(fiscal_year=fiscal_year, live=False, **sections)
    report.save()
    revision = report.save_revision(user=by)
    if publish:
        revision.publish(user=by)
    return MinistryReport.objects.get(pk=report.pk)


def save_draft(report: MinistryReport, *, by=None, **sections):
    """A new revision of `report` with `sections` changed, not published."""
    report = MinistryReport.objects.get(pk=report.pk)
    for name, blocks in sections.items():
        setattr(report, name, blocks)
    return report.save_revision(user=by)


def jpeg_image(title: str = "実施体制図"):
    """An image stored as a JPEG (make_image stores PNGs), to show both formats come through."""
    out = BytesIO()
    PILImage.new("RGB", (2400, 1500), (20, 120, 160)).save(out, format="JPEG")
    image = get_image_model()(title=title, file=ContentFile(out.getvalue(), name="diagram.jpg"))
    image.save()
    return image


def damaged_image(title: str = "壊れた画像"):
    """An image whose stored file is half a PNG, without renditions: Pillow fails on it."""
    image = make_image(title=title)
    storage, name = image.file.storage, image.file.name
    with storage.open(name, "rb") as handle:
        data = handle.read()
    storage.delete(name)
    assert storage.save(name, ContentFile(data[: len(data) // 2])) == name
    image.renditions.all().delete()
    return get_image_model().objects.get(pk=image.pk)


def missing_image(title: str = "消えた画像"):
    image = make_image(title=title)
    image.file.storage.delete(image.file.name)
    return get_image_model().objects.get(pk=image.pk)
