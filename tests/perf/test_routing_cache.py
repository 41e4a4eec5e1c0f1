"""Routes and view restrictions remembered under the pages version (core/pages.py) follow every
change at once: publishing, unpublishing, a new slug, a move, a new restriction."""

import pytest
from django.core.cache import cache
from django.test import Client
from wagtail.models import PageViewRestriction

from tests.booking.web.factories import make_student
from tests.factories import make_program, make_program_index

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_lookups_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.PERSONAL_PAGE_CACHE_ENABLED = False
    cache.clear()
    yield
    cache.clear()


def status(client, url) -> int:
    return client.get(url).status_code


def test_unpublished_and_renamed_pages_are_not_found_at_once(index):
    program = make_program(index, title="水の実験")
    student = Client()
    student.force_login(make_student())
    old_url = program.url
    assert status(student, old_url) == status(student, old_url) == 200

    program.slug = "mizu"
    program.save_revision().publish()
    assert status(student, old_url) == 404
    assert status(student, "/programs/mizu/") == 200

    program.unpublish()
    assert status(student, "/programs/mizu/") == 404
    program.save_revision().publish()
    assert status(student, "/programs/mizu/") == 200


def test_a_moved_page_answers_at_its_new_address_only(index):
    program = make_program(index, title="水の実験")
    other = make_program_index(title="夏のプログラム", slug="summer")
    url = program.url
    client = Client()
    assert status(client, url) == 200
    program.move(other, pos="last-child")
    program.refresh_from_db()
    # The old address is no longer the page: Wagtail's redirect (made on a move) or a 404.
    response = client.get(url)
    assert response.status_code in (301, 404)
    if response.status_code == 301:
        assert response["Location"].endswith(program.url)
    assert status(client, program.url) == 200


def test_a_new_view_restriction_applies_at_the_next_view(index):
    program = make_program(index, title="水の実験")
    student = Client()
    student.force_login(make_student())
    anonymous = Client()
    for client in (student, anonymous, student, anonymous):
        assert status(client, program.url) == 200

    PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)
    assert status(student, program.url) == 200
    response = anonymous.get(program.url)
    assert response.status_code == 302 and "login" in response["Location"]

    PageViewRestriction.objects.filter(page=index).delete()
    assert status(anonymous, program.url) == 200
