"""Programme cards and pages show the places left on a session, as connpass does (残りN席 /
満席 / キャンセル待ち): booking's one read model (`slot_state`), computed for every programme of a
list in one query, and right on the anonymous page cache after a booking."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from booking.models import Booking, Slot
from booking.services import book
from cms.page_cache import HEADER
from core.time import local_date
from programs.listing import upcoming_programs
from programs.schedule import next_session
from tests.booking.factories import make_participant
from tests.factories import make_program

pytestmark = pytest.mark.django_db


def next_slot(program) -> Slot:
    """The slot of the programme's next session (publishing made its slots)."""
    session = next_session(program, now=timezone.now())
    return Slot.objects.get(program=program, start=session.start)


def add_bookings(slot, status=Booking.Status.CONFIRMED, n=1):
    for _ in range(n):
        Booking.objects.create(
            slot=slot, participant=make_participant(), status=status, created_at=timezone.now()
        )


def card_places(client, url, title) -> str:
    response = client.get(url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    [card] = [c for c in soup.select(".card") if c.select_one(".card__title").get_text() == title]
    places = card.select_one(".card__places")
    return " ".join(places.get_text().split()) if places else ""


def test_the_card_shows_the_places_left_on_the_next_session(client, index):
    program = make_program(index, title="水の実験", places_per_session=8)
    assert card_places(client, "/programs/", "水の実験") == "残り8席"
    add_bookings(next_slot(program), n=3)
    add_bookings(next_slot(program), Booking.Status.CANCELLED)
    assert card_places(client, "/programs/", "水の実験") == "残り5席"
    assert card_places(client, "/", "水の実験") == "残り5席"


def test_a_full_session_says_so_and_offers_the_waiting_list(client, index):
    program = make_program(index, title="顕微鏡", places_per_session=2)
    add_bookings(next_slot(program), n=2)
    assert card_places(client, "/programs/", "顕微鏡") == "満席 キャンセル待ちできます"
    add_bookings(next_slot(program), Booking.Status.WAITLISTED, n=3)
    assert card_places(client, "/programs/", "顕微鏡") == "満席 キャンセル待ち3人"


def test_english_visitors_read_it_in_english(client, index):
    program = make_program(index, title="水の実験", places_per_session=8)
    add_bookings(next_slot(program), n=7)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert card_places(client, "/programs/", "水の実験") == "1 place left"


def test_no_places_where_no_booking_is_needed_or_no_slot_exists_yet(client, index):
    make_program(index, title="ふらっと相談", booking_required=False)
    in_autumn = local_date(timezone.now()) + dt.timedelta(days=90)
    far = make_program(index, title="秋の実験", starts_on=in_autumn)
    assert not Slot.objects.filter(program=far).exists()
    assert card_places(client, "/programs/", "ふらっと相談") == ""
    assert card_places(client, "/programs/", "秋の実験") == ""


def test_the_programme_page_shows_each_sessions_places(client, index):
    program = make_program(index, title="水の実験", places_per_session=4)
    add_bookings(next_slot(program), n=4)
    soup = BeautifulSoup(client.get(program.url).content, "html.parser")
    items = [" ".join(li.get_text().split()) for li in soup.select("ul.sessions li")]
    assert len(items) == 5
    assert items[0].endswith("満席 キャンセル待ちできます"), items
    assert items[1].endswith("残り4席"), items
    # Sessions beyond the slots made so far (four weeks) say nothing rather than guess.
    assert "残り" not in items[-1] and "満席" not in items[-1], items


def make_listed_programs(index, n):
    for i in range(n):
        program = make_program(index, title=f"プログラム{i}", places_per_session=5)
        add_bookings(next_slot(program), n=i % 6)
        add_bookings(next_slot(program), Booking.Status.WAITLISTED, n=i % 2)


def test_places_for_ten_programmes_cost_one_query(index, django_assert_num_queries):
    make_listed_programs(index, 10)
    now = timezone.now()
    # Wagtail's `.public()` reads the view restrictions, then one query for the programme
    # pages and one for the places left on all their next sessions.
    with django_assert_num_queries(3):
        programs = upcoming_programs(now=now, parent=index)
    assert len(programs) == 10
    shown = [p.next_places.view.places_left for p in programs]
    assert sorted(shown) == sorted(max(5 - i % 6, 0) for i in range(10))


def test_the_list_page_costs_the_same_for_two_programmes_and_ten(
    client, index, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_listed_programs(index, 2)
    client.get("/programs/")  # the first request may fill caches (site root, renditions)
    with CaptureQueriesContext(connection) as two:
        client.get("/programs/")
    make_listed_programs(index, 8)
    with django_assert_num_queries(len(two.captured_queries)):
        html = client.get("/programs/").content.decode()
    assert html.count('class="card__places"') == 10


def test_a_booking_changes_the_count_on_the_next_anonymous_view(
    client, index, settings, django_capture_on_commit_callbacks
):
    """Pages showing places are cached for anonymous visitors under the availability version
    (cms/page_cache.py): a committed booking makes the next view fresh."""
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    program = make_program(index, title="水の実験", places_per_session=8)
    slot = next_slot(program)
    for url in ("/programs/", "/", program.url):
        client.get(url)
        assert client.get(url)[HEADER] == "hit", url
    assert card_places(client, "/programs/", "水の実験") == "残り8席"

    student = make_participant(birth_year=local_date(timezone.now()).year - 16)
    with django_capture_on_commit_callbacks(execute=True):
        book(slot.pk, student, now=timezone.now())

    response = client.get("/programs/")
    assert response[HEADER] == "miss"
    assert card_places(client, "/programs/", "水の実験") == "残り7席"
    assert card_places(client, "/", "水の実験") == "残り7席"
    page = BeautifulSoup(client.get(program.url).content, "html.parser")
    assert "残り7席" in page.select_one("ul.sessions li").get_text()
    cache.clear()
