"""Error pages speak the visitor's language, carry the site's header and offer a way on: 404
(Wagtail's unknown pages too), 403, a CSRF failure (a stale booking tab) and 500 (even with the
database down). The test settings run with DEBUG off, as production does."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from tests.booking.web.factories import make_slot, make_space, make_student
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# What each page must say, per language: its heading.
HEADINGS = {
    404: {"ja": "このページは見つかりませんでした", "en": "We could not find this page"},
    403: {"ja": "このページは開けません", "en": "You cannot open this page"},
    "csrf": {"ja": "もう一度ためしてください", "en": "Please try again"},
    500: {"ja": "ごめんなさい、こちらで問題が起きました", "en": "Sorry, something went wrong"},
}
# Django's and a debug page's own words: none of them may reach a visitor.
NEVER = ("Not Found", "Forbidden", "CSRF verification failed", "Traceback", "Server Error")


def client_in(language: str, **kwargs) -> Client:
    client = Client(**kwargs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def read(response, status, language: str, heading_key=None) -> BeautifulSoup:
    assert response.status_code == status
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == language
    assert HEADINGS[heading_key or status][language] in soup.h1.get_text()
    # The site's header, and a way home.
    assert soup.select_one("header.site-header a.site-name")["href"] == "/"
    assert soup.select_one(".error-page a[href='/']") is not None
    for words in NEVER:
        assert words not in html, words
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    return soup


def test_debug_is_off_in_the_test_settings():
    assert settings.DEBUG is False


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("path", ["/no-such-page/", "/programs/no-such-programme/"])
def test_wagtails_unknown_pages_get_our_404(language, path, index):
    soup = read(client_in(language).get(path), 404, language)
    # The full site header: the menu is there too.
    assert soup.select_one("nav ul.nav a[href='/space/']") is not None
    assert soup.select_one(f".error-page a[href='{reverse('search')}']") is not None


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_views_404_gets_it_too(language):
    read(client_in(language).get("/space/no-such-space/"), 404, language)


@pytest.mark.urls("tests.cms.error_urls")
@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("logged_in", [False, True])
def test_403_in_the_visitors_language(language, logged_in):
    client = client_in(language)
    if logged_in:
        client.force_login(make_user("error-editor", groups=["Editors"]))
    soup = read(client.get("/test-forbidden/"), 403, language)
    assert "not for you" not in str(soup)
    login = soup.select_one(".error-page a[href^='/accounts/login/']")
    assert (login is None) == logged_in


@pytest.fixture
def stale_tab():
    """A student on a week page whose CSRF token is no longer valid (no cookie sent with it)."""
    space = make_space(slug="csrf-space")
    slot = make_slot(space)
    user = make_student()
    return user, slot, f"http://testserver{space.week_url}?week=2026-06-08"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_csrf_failure_offers_the_page_back(language, stale_tab):
    user, slot, week = stale_tab
    client = client_in(language, enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("book_slot", args=[slot.pk]), HTTP_REFERER=week)
    soup = read(response, 403, language, "csrf")
    back = soup.select(".error-page a.button")
    assert [a["href"] for a in back] == [week]
    assert not slot.bookings.exists()


def test_csrf_failure_never_links_to_another_site(stale_tab):
    user, slot, _week = stale_tab
    client = client_in("ja", enforce_csrf_checks=True)
    client.force_login(user)
    evil = "https://evil.example/phish"
    response = client.post(reverse("book_slot", args=[slot.pk]), HTTP_REFERER=evil)
    soup = read(response, 403, "ja", "csrf")
    assert evil not in response.content.decode()
    assert [a["href"] for a in soup.select(".error-page a.button")] == ["/"]


def test_the_csrf_failure_view_is_ours():
    assert settings.CSRF_FAILURE_VIEW == "cms.errors.csrf_failure"


class DatabaseDown:
    """Every query fails, as when the database server has gone away; counts the attempts."""

    def __init__(self):
        self.attempts = 0

    def __call__(self, execute, sql, params, many, context):
        self.attempts += 1
        raise OperationalError("connection to server was lost")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_500_renders_with_the_database_down(language, index):
    client = client_in(language, raise_request_exception=False)
    down = DatabaseDown()
    with connection.execute_wrapper(down):
        response = client.get("/")
    assert down.attempts >= 1, "the page never reached the database: no error was provoked"
    soup = read(response, 500, language)
    assert soup.select_one(f".error-page a[href='{reverse('my_bookings')}']") is not None


def test_500_follows_the_browser_language_without_a_cookie(index):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    with connection.execute_wrapper(DatabaseDown()):
        response = client.get("/")
    read(response, 500, "en")
