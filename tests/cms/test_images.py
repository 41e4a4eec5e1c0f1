"""Images never take a page down: a rendition whose original is missing (another app server,
a database restored without its media) or damaged leaves the image out, with one warning; and
the admin refuses a damaged upload with its usual form error."""

import logging
from io import BytesIO

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.test.utils.form_data import querydict_from_html

from tests.factories import (
    get_home,
    make_content_page,
    make_image,
    make_program,
    make_user,
)

pytestmark = pytest.mark.django_db

LOGGER = "manabiba.images"


@pytest.fixture(autouse=True)
def _no_cached_renditions():
    # Wagtail caches renditions by image id in the default cache, which outlives a test's
    # rolled-back rows: a later image with the same id would find the earlier one's rendition.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def png_bytes(size=(320, 200)) -> bytes:
    """A PNG of noise, so that its compressed data is large enough to cut in half."""
    picture = PILImage.frombytes(
        "RGB", size, bytes((i * 7919) % 251 for i in range(3 * size[0] * size[1]))
    )
    out = BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def truncated_png() -> bytes:
    data = png_bytes()
    return data[: len(data) // 2]


def image_without_file():
    image = make_image()
    image.file.storage.delete(image.file.name)
    assert not image.file.storage.exists(image.file.name)
    return image


def soup_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def image_warnings(caplog):
    return [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]


def test_home_page_shows_its_hero_image_when_the_file_is_there(client):
    home = get_home()
    home.hero_image = make_image()
    home.save_revision().publish()
    soup = soup_of(client.get("/"))
    assert soup.select_one(".hero img.hero__image")["src"].startswith("/media/images/")
    assert soup.select_one('meta[property="og:image"]')


def test_home_page_without_its_hero_file_is_served_without_the_image(client, caplog):
    home = get_home()
    home.hero_image = image_without_file()
    home.save_revision().publish()
    caplog.set_level(logging.WARNING, logger=LOGGER)

    soup = soup_of(client.get("/"))
    assert soup.h1.get_text() == home.title
    assert soup.select_one(".hero") is not None
    assert soup.select("img") == []
    # The meta tags fall back to a card without a picture.
    assert soup.select_one('meta[property="og:image"]') is None
    assert soup.select_one('meta[name="twitter:card"]')["content"] == "summary"
    warnings = image_warnings(caplog)
    assert len(warnings) == 1  # hero and share image are the same: asked once
    assert home.hero_image.file.name in warnings[0].getMessage()


def test_programme_page_and_its_card_without_the_hero_file(client, index, caplog):
    program = make_program(index, title="水の実験", hero_image=image_without_file())
    caplog.set_level(logging.WARNING, logger=LOGGER)

    soup = soup_of(client.get(program.url))
    assert soup.h1.get_text() == "水の実験"
    assert soup.select("img") == []
    assert soup.select_one('meta[property="og:image"]') is None
    assert len(image_warnings(caplog)) == 1

    caplog.clear()
    soup = soup_of(client.get(index.url))
    cards = soup.select(".card")
    assert len(cards) == 1
    assert cards[0].select_one(".card__title a").get_text() == "水の実験"
    assert soup.select("img") == []
    assert len(image_warnings(caplog)) == 1


def test_content_page_image_block_without_its_file(client, caplog):
    page = make_content_page(
        title="アクセス",
        body=[
            {"type": "paragraph", "value": "<p>駅から歩いて5分です。</p>"},
            {
                "type": "image",
                "value": {"image": image_without_file().pk, "alt_text": "地図", "caption": "地図"},
            },
        ],
    )
    caplog.set_level(logging.WARNING, logger=LOGGER)
    soup = soup_of(client.get(page.url))
    assert "駅から歩いて5分です。" in soup.get_text()
    assert soup.select("figure") == []
    assert soup.select("img") == []
    assert len(image_warnings(caplog)) == 1


def test_content_page_image_block_with_its_file(client):
    page = make_content_page(
        body=[
            {
                "type": "image",
                "value": {"image": make_image().pk, "alt_text": "地図", "caption": "駅から"},
            }
        ]
    )
    soup = soup_of(client.get(page.url))
    figures = soup.select("figure.block-image")
    assert len(figures) == 1
    assert figures[0].img["alt"] == "地図"
    assert figures[0].img["src"].startswith("/media/images/")
    assert figures[0].figcaption.get_text() == "駅から"


def test_default_share_image_without_its_file(client, caplog):
    from wagtail.models import Site

    from cms.models import SocialSettings

    site_settings = SocialSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.default_share_image = image_without_file()
    site_settings.save()
    page = make_content_page(title="保護者の方へ")
    caplog.set_level(logging.WARNING, logger=LOGGER)
    soup = soup_of(client.get(page.url))
    assert soup.h1.get_text() == "保護者の方へ"
    assert soup.select_one('meta[property="og:image"]') is None
    assert len(image_warnings(caplog)) == 1


def image_with_damaged_file(title="壊れた画像"):
    """An image whose stored file is half a PNG (a half-copied restore, an upload from before
    the check), without renditions: Pillow fails when one is made."""
    image = make_image(title=title)
    storage, name = image.file.storage, image.file.name
    storage.delete(name)
    assert storage.save(name, ContentFile(truncated_png())) == name
    image.renditions.all().delete()
    return get_image_model().objects.get(pk=image.pk)


def test_image_stored_damaged_before_uploads_were_checked(client, index, caplog):
    image = image_with_damaged_file()
    program = make_program(index, hero_image=image)
    caplog.set_level(logging.WARNING, logger=LOGGER)
    soup = soup_of(client.get(program.url))
    assert soup.h1.get_text() == program.title
    assert soup.select("img") == []
    assert len(image_warnings(caplog)) == 1


def test_admin_edit_and_preview_of_a_page_whose_image_file_is_gone(client, index):
    program = make_program(index, title="プレビューの実験", hero_image=image_without_file())
    client.force_login(make_user(is_superuser=True, admin_language="en"))
    edit_url = reverse("wagtailadmin_pages:edit", args=[program.pk])
    response = client.get(edit_url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    assert data["hero_image"] == str(program.hero_image.pk)
    data["body-count"] = "0"  # the body StreamField is built by JavaScript in the editor

    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[program.pk])
    response = client.post(preview_url, data)
    assert response.json() == {"is_valid": True, "is_available": True}
    soup = soup_of(client.get(preview_url))
    assert soup.h1.get_text() == "プレビューの実験"
    assert soup.select("img") == []

    # Wagtail's own image views: the edit page of the image itself.
    response = client.get(reverse("wagtailimages:edit", args=[program.hero_image.pk]))
    assert response.status_code == 200


def test_admin_image_views_and_the_page_with_a_damaged_image_file(client, index, caplog):
    """Wagtail's listing, edit page and chooser make thumbnails themselves: a file Pillow cannot
    decode gets their "not found" thumbnail, as a missing one does, not a 500."""
    damaged = image_with_damaged_file(title="壊れた画像")
    whole = make_image(title="無事な画像")
    program = make_program(index, title="壊れた画像の実験", hero_image=damaged)
    client.force_login(make_user(is_superuser=True, admin_language="en"))

    listing = soup_of(client.get(reverse("wagtailimages:index")))
    chooser = client.get(reverse("wagtailimages_chooser:choose"))  # the modal's HTML, in JSON
    assert chooser.status_code == 200
    for soup in (listing, BeautifulSoup(chooser.json()["html"], "html.parser")):
        thumbnails = {a["title"]: a.img["src"] for a in soup.select("a.image-choice")}
        assert len(thumbnails) == 2, thumbnails
        assert thumbnails["壊れた画像"].endswith("/not-found")
        assert thumbnails["無事な画像"].startswith("/media/images/")
    assert not damaged.renditions.exists()
    assert whole.renditions.count() == 1  # the listing's and the chooser's thumbnail

    soup = soup_of(client.get(reverse("wagtailimages:edit", args=[damaged.pk])))
    assert soup.select_one("input[name=title]")["value"] == "壊れた画像"
    assert soup.select_one("img[alt=壊れた画像]")["src"].endswith("/not-found")

    # Choosing it in the page editor's chooser: the modal's next step, with a "not found"
    # preview (core.images.safe_image_chosen_view); the whole image keeps its real one.
    for image, expected in ((damaged, "/not-found"), (whole, ".png")):
        chosen = client.get(reverse("wagtailimages_chooser:chosen", args=[image.pk]))
        assert chosen.status_code == 200
        result = chosen.json()["result"]
        assert result["id"] == str(image.pk) and result["title"] == image.title
        assert result["preview"]["url"].endswith(expected), result["preview"]
    assert any("chooser" in record.getMessage() for record in image_warnings(caplog))

    caplog.clear()
    caplog.set_level(logging.WARNING, logger=LOGGER)
    client.logout()
    soup = soup_of(client.get(program.url))
    assert soup.h1.get_text() == "壊れた画像の実験"
    assert soup.select("img") == []
    warnings = image_warnings(caplog)
    assert len(warnings) == 1
    assert damaged.file.name in warnings[0].getMessage()
    assert "image file is truncated" in warnings[0].getMessage()


# --- uploads ------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(is_superuser=True, admin_language="en"))
    return client


def test_the_admin_adds_images_through_the_multiple_upload_view(admin_client):
    response = admin_client.get(reverse("wagtailimages:index"))
    assert response.status_code == 200
    assert reverse("wagtailimages:add_multiple") in response.content.decode()


def test_multiple_upload_accepts_a_whole_png(admin_client):
    upload = SimpleUploadedFile("whole.png", png_bytes(), content_type="image/png")
    response = admin_client.post(reverse("wagtailimages:add_multiple"), {"files[]": upload})
    assert response.status_code == 200
    assert response.json()["success"] is True
    assert get_image_model().objects.filter(title="whole.png").count() == 1


def test_multiple_upload_refuses_a_truncated_png_with_a_form_error(admin_client):
    upload = SimpleUploadedFile("half.png", truncated_png(), content_type="image/png")
    response = admin_client.post(reverse("wagtailimages:add_multiple"), {"files[]": upload})
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is False
    assert "Upload a valid image" in body["error_message"]
    assert not get_image_model().objects.exists()


def test_single_upload_refuses_a_truncated_png_with_a_form_error(admin_client):
    upload = SimpleUploadedFile("half.png", truncated_png(), content_type="image/png")
    response = admin_client.post(
        reverse("wagtailimages:add"), {"title": "半分", "file": upload, "collection": "1"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert list(errors) == ["file"]
    assert [e.code for e in errors["file"]] == ["invalid_image"]
    assert "Upload a valid image" in response.content.decode()
    assert not get_image_model().objects.exists()


def test_replacing_an_image_file_with_a_truncated_png_is_refused(admin_client):
    image = make_image(title="元の画像")
    original = image.file.name
    upload = SimpleUploadedFile("half.png", truncated_png(), content_type="image/png")
    response = admin_client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {"title": "元の画像", "file": upload, "collection": str(image.collection_id)},
    )
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    image.refresh_from_db()
    assert image.file.name == original
    # Saving without a new file keeps working (the stored file is not decoded again).
    response = admin_client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {"title": "新しい題", "collection": str(image.collection_id)},
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.title == "新しい題"
