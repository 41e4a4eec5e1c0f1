"""Japanese first; English through the language switch."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from tests.factories import make_program

pytestmark = pytest.mark.django_db


def html_lang(response) -> str:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").html["lang"]


def skip_link(response) -> str:
    return BeautifulSoup(response.content, "html.parser").select_one("a.skip-link").get_text()


@pytest.fixture
def program(index):
    return make_program(index, title="水の実験")


@pytest.mark.parametrize("url", ["/", "/programs/", "/search/?q=実験"])
def test_japanese_is_the_default(client, program, url):
    assert html_lang(client.get(url)) == "ja"


def test_page_url_works_too(client, program):
    assert html_lang(client.get(program.url)) == "ja"


def test_set_language_switches_to_english(client, program):
    response = client.post("/i18n/setlang/", {"language": "en", "next": program.url})
    assert response.status_code == 302
    assert response["Location"] == program.url
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    for url in ("/", "/programs/", program.url, "/search/"):
        response = client.get(url)
        assert html_lang(response) == "en", url
        assert skip_link(response) == "Skip to main content", url
    soup = BeautifulSoup(client.get(program.url).content, "html.parser")
    assert soup.select_one("#lang-select option[selected]")["value"] == "en"
    assert soup.find("meta", property="og:locale")["content"] == "en_US"


def test_switching_back_to_japanese(client, program):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    response = client.get("/")
    assert html_lang(response) == "ja"
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("meta", property="og:locale")["content"] == "ja_JP"


def test_unknown_language_is_ignored(client, program):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert html_lang(client.get("/")) == "ja"


def test_accept_language_header_picks_english(client, program):
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="en")) == "en"


def test_language_switch_form_posts_to_set_language(client, program):
    soup = BeautifulSoup(client.get(program.url).content, "html.parser")
    form = soup.select_one("form.lang-switch")
    assert form["action"] == "/i18n/setlang/"
    assert form.select_one("input[name=next]")["value"] == program.url
    assert {o["value"] for o in form.select("option")} == {"ja", "en"}


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_language_menu_names_each_language_in_its_own_words(client, program, language):
    """Not 「英語(米国)」 (Django's Japanese name of "English"): whoever reads the menu finds
    their own language written the way they write it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    options = soup.select("form.lang-switch option")
    assert [(o["value"], o.get_text(), o["lang"]) for o in options] == [
        ("ja", "日本語", "ja"),
        ("en", "English", "en"),
    ]
    button = soup.select_one("form.lang-switch button").get_text()
    assert button == {"ja": "切り替える", "en": "Change"}[language]
