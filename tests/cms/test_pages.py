"""Every page type renders with its key content."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import get_home, make_content_page, make_program

pytestmark = pytest.mark.django_db


def soup_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_home_page_shows_intro_upcoming_programmes_and_link_to_index(client, index):
    home = get_home()
    home.intro = "自分のペースで学べる場所です。"
    home.body = [{"type": "paragraph", "value": "<p>どなたでも無料です。</p>"}]
    home.save_revision().publish()
    for n in range(5):
        make_program(index, title=f"実験{n}")
    make_program(index, title="下書き", live=False)

    soup = soup_of(client.get("/"))
    assert soup.h1.get_text() == home.title
    assert soup.find(class_="lead").get_text() == "自分のペースで学べる場所です。"
    assert "どなたでも無料です。" in soup.get_text()
    cards = [a.get_text() for a in soup.select(".card__title a")]
    assert len(cards) == 4  # the four soonest
    assert "下書き" not in cards
    assert soup.select_one(f'.hero a[href="{index.url}"]')
    assert soup.select_one(f'nav a[href="{index.url}"]')


def test_home_page_without_index_or_programmes(client):
    soup = soup_of(client.get("/"))
    assert soup.h1.get_text() == get_home().title
    assert soup.select(".card") == []


def test_content_page_shows_title_summary_and_body(client):
    page = make_content_page(
        title="保護者の方へ",
        summary="学び場について保護者の方に知っていただきたいこと。",
        body=[
            {"type": "paragraph", "value": "<p>送迎は必要ありません。</p>"},
            {"type": "bring_list", "value": {"heading": "持ち物", "items": ["筆記用具"]}},
            {
                "type": "faq",
                "value": {
                    "heading": "よくある質問",
                    "items": [{"question": "費用は？", "answer": "<p>無料です。</p>"}],
                },
            },
        ],
    )
    child = make_content_page(parent=page, title="送迎について")
    soup = soup_of(client.get(page.url))
    article = soup.find("article", class_="prose")
    assert article.h1.get_text() == "保護者の方へ"
    assert article.find(class_="lead").get_text() == page.summary
    text = article.get_text()
    for expected in ("送迎は必要ありません。", "筆記用具", "費用は？", "無料です。"):
        assert expected in text
    assert soup_of(client.get(child.url)).h1.get_text() == "送迎について"


def test_programme_index_shows_intro_cards_and_kind_filter(client, index):
    make_program(index, title="水の実験", summary="水で遊ぶ実験です。", place="実験室")
    make_program(index, title="オンライン自習", kind="online", place="")
    soup = soup_of(client.get(index.url))
    assert soup.h1.get_text() == index.title
    assert soup.find(class_="lead").get_text() == index.intro
    cards = {c.select_one(".card__title a").get_text(): c for c in soup.select(".card")}
    assert set(cards) == {"水の実験", "オンライン自習"}
    assert "水で遊ぶ実験です。" in cards["水の実験"].get_text()
    assert "実験室" in cards["水の実験"].select_one(".card__meta").get_text()
    assert cards["水の実験"].select_one(".card__meta time")["datetime"].endswith("+09:00")
    options = [o["value"] for o in soup.select("#kind-filter option")]
    assert options == ["", "science", "fieldwork", "pbl", "online", "consultation"]

    filtered = soup_of(client.get(index.url, {"kind": "online"}))
    assert filtered.select_one("#kind-filter option[selected]")["value"] == "online"
    assert [a.get_text() for a in filtered.select(".card__title a")] == ["オンライン自習"]


def test_programme_index_with_no_programmes_says_so(client, index):
    soup = soup_of(client.get(index.url, {"kind": "pbl"}))
    assert soup.select(".card") == []
    assert soup.find(attrs={"role": "status"})


def test_search_page_renders_form_and_results(client, index):
    page = make_program(index, title="理科実験「水のふしぎ」", summary="表面張力の実験。")
    soup = soup_of(client.get("/search/"))
    assert soup.select_one("form[role=search] input[name=q]")
    assert soup.select("ul.results") == []

    soup = soup_of(client.get("/search/", {"q": "実験"}))
    assert soup.select_one("#search-q")["value"] == "実験"
    result = soup.select_one("ul.results li")
    assert result.a["href"] == page.url
    assert "表面張力の実験。" in result.get_text()


def test_unknown_path_is_404(client):
    assert client.get("/no-such-page/").status_code == 404
