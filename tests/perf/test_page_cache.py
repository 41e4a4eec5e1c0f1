"""The whole-page cache serves anonymous visitors fast and never serves anything stale,
personal or in the wrong language."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms.models import ContentPage
from cms.page_cache import HEADER
from core.cache import bump_availability
from tests.factories import get_home, make_program

pytestmark = pytest.mark.django_db


def make_content_page(parent=None, *, slug="access", title="アクセス"):
    parent = parent or get_home()
    page = parent.add_child(instance=ContentPage(title=title, slug=slug, summary="行き方"))
    page.save_revision().publish()
    return page


def make_student():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("student", "student@example.org", "pass")


def visit(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response, response.content.decode()


def test_second_anonymous_visit_is_served_from_cache_without_queries(client, index):
    make_program(index, title="水の実験")
    first, html = visit(client, "/programs/")
    assert first[HEADER] == "miss" and "水の実験" in html
    with CaptureQueriesContext(connection) as queries:
        second, again = visit(client, "/programs/")
    assert second[HEADER] == "hit"
    assert again == html
    assert len(queries.captured_queries) == 0


def test_publishing_a_change_replaces_the_cached_page(client, index):
    program = make_program(index, title="水の実験")
    page = make_content_page()
    for url in (program.url, page.url, "/programs/", "/"):
        visit(client, url)
        assert visit(client, url)[0][HEADER] == "hit"

    program.title = "川の実験"
    program.save_revision().publish()
    page.title = "アクセスと地図"
    page.save_revision().publish()

    response, html = visit(client, program.url)
    assert response[HEADER] == "miss" and "川の実験" in html and "水の実験" not in html
    response, html = visit(client, page.url)
    assert response[HEADER] == "miss" and "アクセスと地図" in html
    response, html = visit(client, "/programs/")
    assert "川の実験" in html and "水の実験" not in html


def test_unpublished_moved_and_deleted_pages_are_not_served_from_cache(client, index):
    program = make_program(index, title="水の実験")
    other = make_program(index, title="川歩き")
    page = make_content_page()
    for url in (program.url, other.url, page.url, "/programs/"):
        visit(client, url)

    program.unpublish()
    assert client.get(program.url).status_code == 404
    assert "水の実験" not in visit(client, "/programs/")[1]

    guide = make_content_page(slug="guide", title="案内")
    visit(client, guide.url)
    old_url = page.url
    page.move(guide, pos="last-child")
    # Wagtail leaves a redirect at the old address; the cached copy is not served there.
    response = client.get(old_url)
    assert response.status_code == 301 and response["Location"] == guide.url + "access/"
    assert "アクセス" in visit(client, guide.url + "access/")[1]

    other.delete()
    assert client.get("/programs/" + other.slug + "/").status_code == 404


def test_logged_in_users_never_get_or_fill_the_shared_cache(client, index):
    make_program(index, title="水の実験")
    visit(client, "/programs/")
    assert visit(client, "/programs/")[0][HEADER] == "hit"

    student = Client()
    student.force_login(make_student())
    response, html = visit(student, "/programs/")
    # Their own copy (cms/personal_cache.py), never the anonymous one.
    assert response[HEADER] == "miss-personal"
    assert "private" in response["Cache-Control"]
    # The personal header (a link to the student's own bookings), not the anonymous one.
    assert "/my/" in html
    response, again = visit(student, "/programs/")
    assert response[HEADER] == "hit-personal" and again == html

    # What a logged-in student saw was not stored for anonymous visitors.
    anonymous = Client()
    response, html = visit(anonymous, "/programs/")
    assert response[HEADER] == "hit" and "/my/" not in html


def test_a_page_is_never_served_in_another_language(client, index):
    make_program(index, title="水の実験")
    response, ja = visit(client, "/programs/")
    assert 'lang="ja"' in ja

    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    response, en = visit(english, "/programs/")
    assert response[HEADER] == "miss" and '<html lang="en">' in en

    by_cookie = Client()
    by_cookie.cookies["django_language"] = "en"
    response, html = visit(by_cookie, "/programs/")
    assert response[HEADER] == "hit" and '<html lang="en">' in html

    response, html = visit(client, "/programs/")
    assert response[HEADER] == "hit" and '<html lang="ja">' in html


def test_availability_changes_refresh_programme_pages_but_not_plain_pages(
    client, index, django_capture_on_commit_callbacks
):
    program = make_program(index, title="水の実験")
    page = make_content_page()
    for url in (program.url, page.url, "/programs/", "/"):
        visit(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        bump_availability()

    for url in (program.url, "/programs/", "/"):
        assert visit(client, url)[0][HEADER] == "miss", url
    assert visit(client, page.url)[0][HEADER] == "hit"


def test_pages_with_view_restrictions_are_never_cached(client):
    page = make_content_page()
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    for _ in range(2):
        response = client.get(page.url)
        assert HEADER not in response
        assert "secret" not in response.content.decode()


@pytest.mark.parametrize("query", ["?utm_source=line", "?q=1"])
def test_unknown_query_parameters_are_not_cached(client, query):
    for _ in range(2):
        response, _html = visit(client, "/" + query)
        assert HEADER not in response


def test_programme_list_filters_are_cached_separately(client, index):
    make_program(index, title="水の実験", kind="science")
    make_program(index, title="川歩き", kind="fieldwork")
    visit(client, "/programs/?kind=science")
    response, html = visit(client, "/programs/?kind=fieldwork")
    assert response[HEADER] == "miss" and "川歩き" in html and "水の実験" not in html
    response, html = visit(client, "/programs/?kind=science")
    assert response[HEADER] == "hit" and "水の実験" in html and "川歩き" not in html


def test_visitors_with_a_pending_message_bypass_the_cache(client, index):
    visit(client, "/programs/")
    assert visit(client, "/programs/")[0][HEADER] == "hit"
    client.cookies["messages"] = "anything"
    assert HEADER not in visit(client, "/programs/")[0]


def test_cached_pages_carry_no_cookie_and_no_csrf_token(client, index):
    response, html = visit(client, "/programs/")
    assert response[HEADER] == "miss"
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in html
    response, _html = visit(client, "/programs/")
    assert response[HEADER] == "hit" and not response.cookies


def test_language_switch_works_from_a_cached_page_without_a_token(index):
    browser = Client(enforce_csrf_checks=True)
    response, html = visit(browser, "/programs/")
    assert 'action="/i18n/setlang/"' in html
    response = browser.post("/i18n/setlang/", {"language": "en", "next": "/programs/"})
    assert response.status_code == 302 and response["Location"] == "/programs/"
    response, html = visit(browser, "/programs/")
    assert '<html lang="en">' in html
    # `next` must stay on this site.
    response = browser.post("/i18n/setlang/", {"language": "ja", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response["Location"]


def test_cache_is_off_when_disabled(client, index, settings):
    settings.PAGE_CACHE_ENABLED = False
    for _ in range(2):
        assert HEADER not in visit(client, "/programs/")[0]
