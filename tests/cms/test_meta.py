"""Every public page carries the tags a link preview needs (Instagram, Facebook, LINE)."""

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.cache import caches
from wagtail.models import Site

from cms.models import SocialSettings
from cms.templatetags.cms_tags import SHARE_RENDITION
from tests.factories import get_home, make_content_page, make_image, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rendition_cache():
    # Wagtail caches renditions by image id; ids are reused after a test rolls back.
    caches["default"].clear()


@pytest.fixture
def site_pages(index):
    """Pages with and without a hero image, and a default share image for the site."""
    default_image = make_image("既定の共有画像")
    social = SocialSettings.for_site(Site.objects.get(is_default_site=True))
    social.default_share_image = default_image
    social.save()

    home = get_home()
    home.hero_image = make_image("ホームの画像")
    home.intro = "益田市の学び場です。"
    home.save_revision().publish()

    with_hero = make_program(
        index, title="理科実験", summary="水の実験です。", hero_image=make_image("実験の画像")
    )
    without_hero = make_program(index, title="学習相談", kind="consultation", summary="相談です。")
    content = make_content_page(title="アクセス", summary="益田駅から歩いて5分です。")
    return {
        "default_image": default_image,
        "home": home,
        "index": index,
        "with_hero": with_hero,
        "without_hero": without_hero,
        "content": content,
    }


def meta(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    soup = BeautifulSoup(response.content, "html.parser")
    head = soup.head
    tags = {"title": head.title.get_text() if head.title else None}
    for tag in head.find_all("meta"):
        key = tag.get("property") or tag.get("name")
        if key:
            tags[key] = tag.get("content")
    canonical = head.find("link", rel="canonical")
    tags["canonical"] = canonical["href"] if canonical else None
    return tags


def assert_absolute(url: str):
    parts = urlsplit(url)
    assert parts.scheme in {"http", "https"} and parts.netloc, url


def assert_share_image(tags: dict, image):
    """og:image is an absolute URL to the share rendition of `image`."""
    assert_absolute(tags["og:image"])
    rendition = image.renditions.get(filter_spec=SHARE_RENDITION)
    assert urlsplit(tags["og:image"]).path == rendition.url
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:image"] == tags["og:image"]
    assert tags["og:image:alt"] == image.title


def assert_common_tags(tags: dict):
    for key in ("title", "description", "og:title", "og:description", "og:url", "twitter:card"):
        assert tags.get(key), f"missing {key}"
    assert tags["canonical"]
    assert_absolute(tags["canonical"])
    assert tags["og:url"] == tags["canonical"]
    assert tags["og:description"] == tags["description"]
    assert tags["title"].startswith(tags["og:title"])


@pytest.mark.parametrize(
    "name, title, description, image",
    [
        ("home", None, "益田市の学び場です。", "hero"),
        ("index", "プログラム一覧", "一覧です。", "default"),
        ("with_hero", "理科実験", "水の実験です。", "hero"),
        ("without_hero", "学習相談", "相談です。", "default"),
        ("content", "アクセス", "益田駅から歩いて5分です。", "default"),
    ],
)
def test_page_meta_tags(client, site_pages, name, title, description, image):
    page = site_pages[name]
    tags = meta(client, page.url)
    assert_common_tags(tags)
    assert tags["og:title"] == (title or page.title)
    assert tags["title"].startswith(page.title)
    assert tags["description"] == description
    assert urlsplit(tags["canonical"]).path == page.url
    expected = page.hero_image if image == "hero" else site_pages["default_image"]
    assert_share_image(tags, expected)


def test_seo_title_and_search_description_win(client, site_pages):
    page = site_pages["with_hero"]
    page.seo_title = "SEO の題"
    page.search_description = "検索エンジン向けの説明。"
    page.save_revision().publish()
    tags = meta(client, page.url)
    assert tags["og:title"] == "SEO の題"
    assert tags["title"].startswith("SEO の題")
    assert tags["description"] == "検索エンジン向けの説明。"


@pytest.mark.parametrize("url", ["/search/", "/search/?q=実験"])
def test_search_page_meta_tags_use_the_default_image(client, site_pages, url):
    tags = meta(client, url)
    assert_common_tags(tags)
    assert urlsplit(tags["canonical"]).path == "/search/"
    assert urlsplit(tags["canonical"]).query == ""
    assert_share_image(tags, site_pages["default_image"])


def test_without_any_image_the_card_is_a_summary(client, index):
    page = make_program(index, title="画像なし")
    for url in ("/", page.url, "/search/"):
        tags = meta(client, url)
        assert_common_tags(tags)
        assert "og:image" not in tags
        assert tags["twitter:card"] == "summary"


def test_long_description_is_trimmed_to_one_line(client, index):
    page = make_program(index, summary="長い説明\n" + "あ" * 195)
    tags = meta(client, page.url)
    assert "\n" not in tags["description"]
    assert len(tags["description"]) <= 200
