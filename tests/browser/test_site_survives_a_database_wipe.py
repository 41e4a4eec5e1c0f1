"""After a browser test, the database is back as migrations made it, whatever runs next.

A browser test is transactional (it needs `live_server`): when it ends, pytest-django empties
every table without running post_migrate, so Wagtail's root page, the home page, the default
Site and the role groups are gone, and `/` answers 404 to every later test that expects the
demo tree. This folder's `pytest_runtest_teardown` (conftest.py) reloads the migrated data
after each browser test. This test does not rely on running after the others: it empties the
database exactly as the end of a transactional test does, checks that the site is then broken,
runs that teardown hook, and checks the site again.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connections
from wagtail.models import Page, Site

from cms.models import HomePage
from tests.browser import conftest as browser_conftest

# Marked `browser` so that the folder's hooks treat it as one of the browser tests: the database
# is emptied before it starts and restored after it ends, as for them.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROLE_GROUPS = {"Editors", "Staff", "Coordinators", "Moderators"}


def empty_as_a_transactional_test_ends() -> None:
    """What Django's TransactionTestCase does after a test with serialized rollback."""
    for alias in connections:
        call_command(
            "flush",
            verbosity=0,
            interactive=False,
            database=alias,
            reset_sequences=False,
            inhibit_post_migrate=True,
        )


def assert_site_is_served(client) -> None:
    home = HomePage.objects.get()
    assert Page.objects.get(depth=1).get_children().get().specific == home
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert set(Group.objects.values_list("name", flat=True)) >= ROLE_GROUPS
    response = client.get("/")
    assert response.status_code == 200
    assert home.title in response.content.decode()


def test_the_teardown_of_a_browser_test_brings_the_site_back(request, client):
    assert_site_is_served(client)  # serialized rollback loaded the migrated data

    # pytest runs the item's teardown (pytest-django's flush) inside this hookwrapper's yield.
    hook = browser_conftest.pytest_runtest_teardown(request.node, nextitem=request.node)
    next(hook)
    empty_as_a_transactional_test_ends()
    assert not HomePage.objects.exists() and not Site.objects.exists()
    assert client.get("/").status_code == 404  # what a later test would meet without the hook
    with pytest.raises(StopIteration):
        next(hook)

    assert_site_is_served(client)
