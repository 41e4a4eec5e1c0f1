"""Control characters in a URL or a form field get 400 at the edge, never a 500."""

import pytest
from django.test import RequestFactory

from cms.bad_input import has_control_characters

pytestmark = pytest.mark.django_db

# The four URLs that answered 500 to a NUL byte.
PROBES = [
    "/search/?q=%00",
    "/admin/checkin/code/%00/",
    "/my/bookings/%00.ics",
    "/my/feed/%00.ics",
]


@pytest.mark.parametrize("url", PROBES)
def test_nul_in_a_url_is_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert b"control characters" in response.content
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "url", ["/search/?q=a%01b", "/search/?q%00=x", "/search/?q=a%0Bb", "/space/a%1Fb/"]
)
def test_other_control_characters_in_path_or_query_are_400(client, url):
    assert client.get(url).status_code == 400


def test_ordinary_search_still_works(client):
    response = client.get("/search/?q=数学")
    assert response.status_code == 200


def test_nul_in_a_form_field_is_400(client):
    response = client.post("/accounts/login/", {"login": "student\x00", "password": "x"})
    assert response.status_code == 400


def test_nul_in_a_multipart_form_field_is_400(client):
    response = client.post(
        "/accounts/login/", {"login": "student", "password": "x\x00"}, format="multipart"
    )
    assert response.status_code == 400


def test_tab_and_newlines_in_a_form_field_pass(client):
    # The language switch takes any extra field; it answers with its redirect, not 400.
    response = client.post("/i18n/setlang/", {"language": "en", "note": "a\r\nb\tc"})
    assert response.status_code == 302


def test_fields_allow_text_whitespace_but_the_path_does_not():
    factory = RequestFactory()
    assert not has_control_characters(factory.post("/x/", {"note": "one\r\ntwo\tthree"}))
    assert has_control_characters(factory.post("/x/", {"note": "one\x0btwo"}))
    assert has_control_characters(factory.post("/x/", {"no\x00te": "x"}))
    assert not has_control_characters(factory.get("/x/", {"q": "one\ttwo\r\n"}))
    assert has_control_characters(factory.get("/x/", {"q": "one\x1btwo"}))
    assert has_control_characters(factory.get("/x%09y/"))
    assert not has_control_characters(factory.get("/x/", {"q": "日本語 テキスト"}))
    # A JSON body is the API's to validate.
    assert not has_control_characters(
        factory.post("/x/", '{"a": "\\u0000"}', content_type="application/json")
    )
