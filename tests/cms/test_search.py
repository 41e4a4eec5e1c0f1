"""Site search: Japanese substrings, AND-ed words, and no error for any query string."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import make_content_page, make_program

pytestmark = pytest.mark.django_db


def result_titles(response) -> list[str]:
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in soup.select("ul.results li > a")]


@pytest.fixture
def programmes(index):
    return {
        "water": make_program(
            index, title="理科実験「水のふしぎ」", summary="表面張力を確かめます。"
        ),
        "microscope": make_program(
            index, title="理科実験「顕微鏡」", summary="高津川の生き物を観察します。"
        ),
        "river": make_program(
            index,
            title="フィールドワーク「高津川を歩く」",
            kind="fieldwork",
            summary="水質を調べます。",
        ),
    }


def test_japanese_substring_finds_programmes(client, programmes):
    assert result_titles(client.get("/search/", {"q": "実験"})) == [
        "理科実験「水のふしぎ」",
        "理科実験「顕微鏡」",
    ]


def test_summary_text_is_searched(client, programmes):
    assert result_titles(client.get("/search/", {"q": "表面張力"})) == ["理科実験「水のふしぎ」"]


def test_words_are_anded(client, programmes):
    assert result_titles(client.get("/search/", {"q": "高津川 実験"})) == ["理科実験「顕微鏡」"]
    assert result_titles(client.get("/search/", {"q": "高津川　水質"})) == [  # full-width space
        "フィールドワーク「高津川を歩く」"
    ]
    assert result_titles(client.get("/search/", {"q": "実験 存在しない言葉"})) == []


def test_body_text_is_searched(client, index):
    make_program(
        index,
        title="PBL まちづくり",
        kind="pbl",
        body=[{"type": "paragraph", "value": "<p>商店街のにぎわいを取り戻す</p>"}],
    )
    assert result_titles(client.get("/search/", {"q": "にぎわい"})) == ["PBL まちづくり"]


def test_drafts_are_not_found(client, index):
    make_program(index, title="下書きの実験", live=False)
    make_program(index, title="公開の実験")
    assert result_titles(client.get("/search/", {"q": "実験"})) == ["公開の実験"]


def test_unpublished_programme_is_no_longer_found(client, index):
    page = make_program(index, title="取り下げた実験")
    assert result_titles(client.get("/search/", {"q": "取り下げ"})) == ["取り下げた実験"]
    page.unpublish()
    assert result_titles(client.get("/search/", {"q": "取り下げ"})) == []


def test_only_programmes_are_results(client, programmes):
    make_content_page(title="実験室へのアクセス")
    assert "実験室へのアクセス" not in result_titles(client.get("/search/", {"q": "実験"}))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "   "},
        {"q": "\u3000\t\n"},
        {"q": "実" * 1000},
        {"q": "a " * 500},
        {"q": "実験", "page": "abc"},
        {"q": "実験", "page": "-1"},
        {"q": "実験", "page": "99999"},
        {"q": "%' OR 1=1 --"},
        {"q": "<script>alert(1)</script>"},
    ],
)
def test_any_query_string_gives_a_normal_page(client, programmes, params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="search-q"' in html
    assert "<script>alert(1)</script>" not in html


def test_page_abc_still_shows_results(client, programmes):
    assert len(result_titles(client.get("/search/", {"q": "実験", "page": "abc"}))) == 2


def test_empty_query_lists_nothing(client, programmes):
    for q in ("", "   "):
        assert result_titles(client.get("/search/", {"q": q})) == []


def test_search_results_paginate(client, index):
    for n in range(12):
        make_program(index, title=f"実験{n:02d}")
    first = client.get("/search/", {"q": "実験"})
    second = client.get("/search/", {"q": "実験", "page": "2"})
    assert len(result_titles(first)) == 10
    assert len(result_titles(second)) == 2
    soup = BeautifulSoup(first.content, "html.parser")
    next_href = soup.select_one(".pagination a[rel=next]")["href"]
    assert "page=2" in next_href and "q=" in next_href
