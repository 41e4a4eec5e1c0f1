"""The Content-Security-Policy on every response: strict on the site, inline scripts only in
the admin (cms/csp.py); the browser test (tests/browser/test_csp.py) proves pages work under it."""

import pytest

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/signup/", "/space/"])
def test_the_public_site_allows_no_inline_script(client, url):
    response = client.get(url)
    assert response.status_code == 200
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]


def test_the_admin_alone_allows_wagtails_inline_scripts(client):
    client.force_login(make_user(groups=["Editors"]))
    response = client.get("/admin/")
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_a_cached_page_keeps_the_policy(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    first, second = client.get("/"), client.get("/")
    assert first.status_code == second.status_code == 200
    assert policy(first)["script-src"] == policy(second)["script-src"] == ["'self'"]
