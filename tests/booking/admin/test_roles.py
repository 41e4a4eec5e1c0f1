"""Who may open the booking admin. Coordinators see aggregates only, never participants;
editors write pages and have no business in bookings."""

import datetime as dt

import pytest
from django.urls import reverse

from booking.models import Closure
from tests.factories import make_user

from .helpers import make_participant, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(db):
    space = make_space(hours=[([0, 1, 2, 3, 4], dt.time(16), dt.time(19))])
    participant = make_participant(nickname="ひみつのなまえ")
    closure = Closure.objects.create(
        space=space, first_day=dt.date(2030, 1, 1), last_day=dt.date(2030, 1, 2), reason="点検"
    )
    return {"space": space, "participant": participant, "closure": closure}


def participant_urls(o):
    return [
        reverse("booking_participant:index"),
        reverse("booking_participant:add"),
        reverse("booking_participant:edit", args=[o["participant"].pk]),
    ]


def other_booking_urls(o):
    return [
        reverse("wagtailsnippets_booking_studyspace:list"),
        reverse("wagtailsnippets_booking_studyspace:add"),
        reverse("wagtailsnippets_booking_studyspace:edit", args=[o["space"].pk]),
        reverse("booking_closure:index"),
        reverse("booking_closure:add"),
        reverse("booking_closure:edit", args=[o["closure"].pk]),
        reverse("booking_closure:reopen", args=[o["closure"].pk]),
    ]


def refused(response) -> bool:
    """Wagtail answers a missing permission with a redirect to the dashboard or a 403."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url.startswith(reverse("wagtailadmin_home"))
    )


def test_anonymous_is_sent_to_the_login(client, objects):
    for url in participant_urls(objects) + other_booking_urls(objects):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_staff_may_open_every_booking_admin_page(client, objects):
    client.force_login(make_user("staffer", groups=["Staff"]))
    for url in participant_urls(objects) + other_booking_urls(objects):
        assert client.get(url).status_code == 200, url
    assert "ひみつのなまえ" in client.get(reverse("booking_participant:index")).content.decode()
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    for name in [
        "booking_participant:index",
        "booking_closure:index",
        "wagtailsnippets_booking_studyspace:list",
    ]:
        assert reverse(name) in menu, name


@pytest.mark.parametrize("group", ["Coordinators", "Editors"])
def test_coordinators_and_editors_never_see_participants(client, objects, group):
    client.force_login(make_user("someone", groups=[group]))
    for url in participant_urls(objects):
        response = client.get(url)
        assert refused(response), (url, response.status_code)
        assert "ひみつのなまえ" not in response.content.decode()
    response = client.post(reverse("booking_participant:add"), {"nickname": "x"})
    assert refused(response)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("booking_participant:index") not in dashboard


@pytest.mark.parametrize("group", ["Coordinators", "Editors"])
def test_coordinators_and_editors_have_no_booking_admin(client, objects, group):
    client.force_login(make_user("someone", groups=[group]))
    for url in other_booking_urls(objects):
        assert refused(client.get(url)), url
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("booking_closure:index") not in menu
    assert reverse("wagtailsnippets_booking_studyspace:list") not in menu
    closure = objects["closure"]
    assert refused(client.post(reverse("booking_closure:reopen", args=[closure.pk])))
    closure.refresh_from_db()
    assert closure.reopened_at is None
