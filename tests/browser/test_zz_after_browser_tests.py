"""The browser tests leave the database as migrations made it.

pytest-django runs tests in three groups: plain database tests, then transactional ones (the
browser tests among them), then tests that ask for no database. This test asks for none and
unblocks database access itself, so it runs after every browser test, whatever order the files
are given in, and sees what the last of them left behind. It only reads.
"""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page, Site

from cms.models import HomePage


@pytest.fixture
def read_database(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield


def test_home_page_site_and_groups_are_still_there(read_database, client):
    home = HomePage.objects.get()
    assert Page.objects.get(depth=1).get_children().get().specific == home
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert {"Editors", "Staff", "Coordinators", "Moderators"} <= set(
        Group.objects.values_list("name", flat=True)
    )
    response = client.get("/")
    assert response.status_code == 200
    assert home.title in response.content.decode()
