"""The week views of the study space and of a programme's sessions."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.models import Booking, Participant
from booking.services import book, close
from core.time import local_date
from tests.booking.web.factories import days_ahead, make_slot, make_space, make_student, week_of
from tests.factories import make_program

pytestmark = pytest.mark.django_db


def this_monday() -> dt.date:
    today = local_date(timezone.now())
    return today - dt.timedelta(days=today.weekday())


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def slot_html(response, slot) -> str:
    html = response.content.decode()
    start = html.rindex("<li", 0, html.index(f'id="slot-{slot.pk}"'))
    return html[start : html.index("</li>", start)]


def test_space_index_lists_spaces_and_nav_links_to_it(client):
    space = make_space(name="市民学習スペース")
    response = client.get("/space/")
    assert response.status_code == 200
    assert "市民学習スペース" in response.content.decode()
    assert f'href="/space/{space.slug}/"' in response.content.decode()
    assert 'href="/space/"' in client.get("/search/").content.decode()


def test_unknown_space_is_404(client):
    assert client.get("/space/nowhere/").status_code == 404


@pytest.mark.parametrize("week", [None, "", "abc", "2026-13-45", "99999-01-01", "1900-01-01"])
def test_missing_or_bad_week_shows_this_week(client, week):
    space = make_space()
    url = f"/space/{space.slug}/" + ("" if week is None else f"?week={week}")
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["monday"] == this_monday()


def test_week_param_picks_the_monday_and_links_to_neighbours(client):
    space = make_space()
    slot = make_slot(space, start=days_ahead(8))
    day = local_date(slot.start)
    monday = day - dt.timedelta(days=day.weekday())
    response = client.get(f"/space/{space.slug}/?week={day.isoformat()}")
    assert response.context["monday"] == monday
    html = response.content.decode()
    assert f'href="/space/{space.slug}/?week={monday - dt.timedelta(days=7)}"' in html
    assert f'href="/space/{space.slug}/?week={monday + dt.timedelta(days=7)}"' in html
    assert f'id="slot-{slot.pk}"' in html
    # The slot is not in the week before.
    before = client.get(f"/space/{space.slug}/?week={monday - dt.timedelta(days=7)}")
    assert f'id="slot-{slot.pk}"' not in before.content.decode()


def test_open_full_closed_and_past_slots(english):
    space = make_space()
    open_slot = make_slot(space, start=days_ahead(1, 10), capacity=3)
    full_slot = make_slot(space, start=days_ahead(1, 13), capacity=1)
    past_slot = make_slot(space, start=timezone.now() - dt.timedelta(hours=3))
    closed_day = days_ahead(2, 16)
    closed_slot = make_slot(space, start=closed_day)
    student = make_student()
    now = timezone.now()
    book(open_slot.pk, student.participant, now=now)
    book(full_slot.pk, make_student().participant, now=now)
    close(
        space,
        first_day=local_date(closed_day),
        last_day=local_date(closed_day),
        reason="設備点検のため",
        online_alternative="オンライン自習室をご利用ください",
        now=now,
    )

    for slot in (open_slot, full_slot, closed_slot, past_slot):
        response = english.get(f"/space/{space.slug}/?week={week_of(slot.start)}")
        assert response.status_code == 200
        html = slot_html(response, slot)
        if slot is open_slot:
            assert "slot--open" in html and "2 places left" in html and "Book" in html
        elif slot is full_slot:
            assert "slot--full" in html and "Full" in html and "Join the waiting list" in html
            assert "places left" not in html
        elif slot is closed_slot:
            assert "slot--closed" in html and "設備点検のため" in html
            assert "オンライン自習室をご利用ください" in html and "Book" not in html
        else:
            assert "slot--past" in html and "Past" in html and "Book" not in html


def test_japanese_is_the_default(client):
    space = make_space()
    slot = make_slot(space, start=days_ahead(1))
    response = client.get(f"/space/{space.slug}/?week={week_of(slot.start)}")
    assert response.content.decode().startswith("<!doctype html>")
    assert '<html lang="ja">' in response.content.decode()


def test_slots_beyond_the_booking_window_say_when_booking_opens(english):
    space = make_space(advance_days=3)
    slot = make_slot(space, start=days_ahead(10))
    response = english.get(f"/space/{space.slug}/?week={week_of(slot.start)}")
    html = slot_html(response, slot)
    opens = local_date(slot.start) - dt.timedelta(days=3)
    assert "slot--not_yet" in html
    assert f"Booking opens on {opens.month}/{opens.day}" in html
    assert "<form" not in html


def test_anonymous_book_button_is_a_login_link_back_to_the_week(client):
    space = make_space()
    slot = make_slot(space, start=days_ahead(1))
    week = week_of(slot.start)
    response = client.get(f"/space/{space.slug}/?week={week}")
    html = slot_html(response, slot)
    assert "<form" not in html and "csrfmiddlewaretoken" not in html
    monday = response.context["monday"].isoformat()
    assert f"/accounts/login/?next=%2Fspace%2F{space.slug}%2F%3Fweek%3D{monday}" in html


def test_logged_in_student_sees_forms_and_their_own_place(client):
    space = make_space()
    mine = make_slot(space, start=days_ahead(1, 10))
    other = make_slot(space, start=days_ahead(1, 14))
    student = make_student()
    book(mine.pk, student.participant, now=timezone.now())
    client.force_login(student)
    response = client.get(f"/space/{space.slug}/?week={week_of(mine.start)}")
    assert "slot--mine" in slot_html(response, mine)
    assert f'action="/slots/{other.pk}/book/"' in slot_html(response, other)
    assert "csrfmiddlewaretoken" in slot_html(response, other)


def test_anonymous_week_is_cached_and_changes_when_places_change(
    english, django_capture_on_commit_callbacks
):
    space = make_space()
    slot = make_slot(space, start=days_ahead(1), capacity=3)
    url = f"/space/{space.slug}/?week={week_of(slot.start)}"
    assert "3 places left" in slot_html(english.get(url), slot)
    with CaptureQueriesContext(connection) as cached:
        assert "3 places left" in slot_html(english.get(url), slot)
    assert not any("booking_slot" in q["sql"] for q in cached.captured_queries)

    # A committed booking bumps the availability version: the next view is fresh.
    with django_capture_on_commit_callbacks(execute=True):
        book(slot.pk, make_student().participant, now=timezone.now())
    assert "2 places left" in slot_html(english.get(url), slot)


def test_cache_is_per_language(client):
    space = make_space()
    slot = make_slot(space, start=days_ahead(1), capacity=3)
    url = f"/space/{space.slug}/?week={week_of(slot.start)}"
    japanese = client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    day = local_date(slot.start)
    assert f"{day.month}/{day.day}（{'月火水木金土日'[day.weekday()]}）" in japanese
    weekday_en = day.strftime("%a")
    assert f"{day.month}/{day.day}（{weekday_en}）" in english
    assert f"{day.month}/{day.day}（{weekday_en}）" not in japanese


def seed_week(space, count: int, participant: Participant):
    """`count` slots in next week (every 30 minutes), half of them with a booking."""
    monday = local_date(days_ahead(7))
    monday -= dt.timedelta(days=monday.weekday())
    first = days_ahead((monday - local_date(timezone.now())).days, 0)
    slots = [
        make_slot(space, start=first + dt.timedelta(minutes=30 * n), minutes=30)
        for n in range(count)
    ]
    Booking.objects.bulk_create(
        Booking(slot=s, participant=participant, status="confirmed", created_at=timezone.now())
        for s in slots[::2]
    )
    return monday


@pytest.mark.parametrize("logged_in", [False, True])
def test_week_view_queries_do_not_grow_with_slots(client, logged_in):
    counts = {}
    for count in (10, 300):
        space = make_space()
        student = make_student()
        monday = seed_week(space, count, student.participant)
        if logged_in:
            client.force_login(student)
        url = f"/space/{space.slug}/?week={monday}"
        client.get(url)  # warm Wagtail's site and settings lookups
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count('class="slot slot--') == count
        counts[count] = len(queries)
    assert counts[10] == counts[300], counts


def test_programme_sessions_week_is_linked_from_the_programme_page(client, index, english):
    program = make_program(index, title="水の実験", schedule=None, start_time=None)
    slot = make_slot(program, start=days_ahead(3, 14), capacity=6)
    page = client.get(program.url)
    assert f'href="/programs/{program.pk}/sessions/"' in page.content.decode()
    response = english.get(f"/programs/{program.pk}/sessions/?week={week_of(slot.start)}")
    assert response.status_code == 200
    assert "水の実験" in response.content.decode()
    assert "6 places left" in slot_html(response, slot)


def test_draft_or_unknown_programme_sessions_are_404(client, index):
    draft = make_program(index, live=False, schedule=None, start_time=None)
    assert client.get(f"/programs/{draft.pk}/sessions/").status_code == 404
    assert client.get("/programs/999999/sessions/").status_code == 404
