"""Staff close a space or a programme for a date range, see the closures and reopen them."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from booking.models import Booking, Closure, Slot
from booking.services import book
from tests.factories import make_program, make_program_index, make_user

from .helpers import EVERY_DAY, make_participant, make_space

pytestmark = pytest.mark.django_db

ADD_URL = reverse("booking_closure:add")
INDEX_URL = reverse("booking_closure:index")


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def space(db):
    return make_space(hours=[(EVERY_DAY, dt.time(16), dt.time(19))])


def close_form(
    *, space="", program="", first_day, last_day, reason="設備点検のため", alt="", confirm=True
):
    """The closure form's data; `confirm`: as posted from the preview's confirm button."""
    data = {
        "space": str(space.pk) if space else "",
        "program": str(program.pk) if program else "",
        "first_day": first_day.isoformat(),
        "last_day": last_day.isoformat(),
        "reason": reason,
        "online_alternative": alt,
    }
    return {**data, "confirm": "1"} if confirm else data


def test_closing_a_space_cancels_and_tells_the_booked_people(
    staff_client, staff, space, django_capture_on_commit_callbacks
):
    now = timezone.now()
    today = timezone.localdate()
    slots = list(Slot.objects.filter(space=space, start__gt=now).order_by("start")[:4])
    people = [make_participant() for _ in range(2)]
    bookings = [book(slots[1].pk, people[0], now=now), book(slots[2].pk, people[1], now=now)]
    untouched = book(slots[3].pk, people[0], now=now)
    last_day = timezone.localtime(slots[2].start).date()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            ADD_URL,
            close_form(
                space=space,
                first_day=today,
                last_day=last_day,
                alt="オンライン自習室をご利用ください",
            ),
            follow=True,
        )
    assert response.status_code == 200
    closure = Closure.objects.get()
    assert closure.space == space and closure.created_by == staff
    assert ModelLogEntry.objects.filter(
        object_id=str(closure.pk), action="wagtail.create", user=staff
    ).exists()
    assert closure.online_alternative == "オンライン自習室をご利用ください"
    for booking in bookings:
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CANCELLED_BY_CLOSURE
    untouched.refresh_from_db()
    assert untouched.status == Booking.Status.CONFIRMED
    assert Slot.objects.filter(closure=closure).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.contact_email for p in people)
    assert all("設備点検のため" in m.body and "オンライン自習室" in m.body for m in mail.outbox)
    assert any(
        "2 bookings were cancelled." in text and "Mails to the people booked: 2." in text
        for text in messages_of(response)
    ), messages_of(response)


def test_closing_a_programme(staff_client):
    program = make_program(make_program_index(), title="水の実験")
    today = timezone.localdate()
    session = Slot.objects.filter(program=program).order_by("start").first()
    assert session is not None  # publishing created the sessions
    response = staff_client.post(
        ADD_URL,
        close_form(program=program, first_day=today, last_day=today + dt.timedelta(days=30)),
    )
    assert response.status_code == 302
    closure = Closure.objects.get(program=program)
    session.refresh_from_db()
    assert session.closure == closure and session.is_closed


@pytest.mark.parametrize(
    "change, error",
    [
        ({"space": ""}, "Choose either a study space or a programme."),
        ({"program": "both"}, "Choose either a study space or a programme."),
        ({"last_day": "yesterday"}, "The last day must not be before the first day."),
        ({"last_day": "far"}, "A closure can last at most 366 days."),
        ({"first_day": "not-a-date"}, "Enter a valid date."),
        ({"reason": ""}, "This field is required."),
    ],
)
def test_bad_closure_input_is_refused_with_a_message(staff_client, space, change, error):
    today = timezone.localdate()
    data = close_form(space=space, first_day=today, last_day=today + dt.timedelta(days=3))
    if change.get("program") == "both":
        change = {"program": str(make_program(make_program_index()).pk)}
    if change.get("last_day") == "yesterday":
        change = {"last_day": (today - dt.timedelta(days=1)).isoformat()}
    if change.get("last_day") == "far":
        change = {"last_day": (today + dt.timedelta(days=400)).isoformat()}
    data.update(change)
    response = staff_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Closure.objects.exists()
    assert not Slot.objects.filter(closure__isnull=False).exists()


def test_closures_are_listed_with_a_reopen_button(staff_client, space):
    today = timezone.localdate()
    staff_client.post(ADD_URL, close_form(space=space, first_day=today, last_day=today))
    closure = Closure.objects.get()
    html = staff_client.get(INDEX_URL).content.decode()
    assert "設備点検のため" in html
    assert reverse("booking_closure:reopen", args=[closure.pk]) in html


def test_reopening_opens_the_slots_again_and_keeps_cancelled_bookings(staff_client, space):
    now = timezone.now()
    slot = Slot.objects.filter(space=space, start__gt=now).order_by("start").first()
    booking = book(slot.pk, make_participant(), now=now)
    day = timezone.localtime(slot.start).date()
    staff_client.post(ADD_URL, close_form(space=space, first_day=day, last_day=day))
    closure = Closure.objects.get()
    reopen_url = reverse("booking_closure:reopen", args=[closure.pk])

    confirm = staff_client.get(reopen_url)
    assert confirm.status_code == 200
    assert "設備点検のため" in confirm.content.decode()
    closure.refresh_from_db()
    assert closure.reopened_at is None  # GET only asks

    response = staff_client.post(reopen_url, follow=True)
    assert response.status_code == 200
    closure.refresh_from_db()
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert closure.reopened_at is not None
    assert slot.closure is None and not slot.is_closed
    assert booking.status == Booking.Status.CANCELLED_BY_CLOSURE
    assert any("open again" in text for text in messages_of(response))
    assert reopen_url not in staff_client.get(INDEX_URL).content.decode()

    again = staff_client.post(reopen_url, follow=True)
    assert any("already reopened" in text for text in messages_of(again))


def test_reopen_of_an_unknown_closure_is_404(staff_client):
    assert staff_client.get(reverse("booking_closure:reopen", args=[999])).status_code == 404


def test_editing_a_closure_changes_only_its_texts(staff_client, space):
    today = timezone.localdate()
    staff_client.post(ADD_URL, close_form(space=space, first_day=today, last_day=today))
    closure = Closure.objects.get()
    edit_url = reverse("booking_closure:edit", args=[closure.pk])
    response = staff_client.post(
        edit_url,
        {
            "reason": "台風のため",
            "online_alternative": "",
            "first_day": "2000-01-01",
            "space": "",
        },
    )
    assert response.status_code == 302
    closure.refresh_from_db()
    assert closure.reason == "台風のため"
    assert closure.first_day == today and closure.space == space


def test_nobody_deletes_a_closure(client, staff_client, space):
    # The day of the next slot: late in the evening, today may have none left to close.
    next_slot = Slot.objects.filter(space=space, start__gt=timezone.now()).earliest("start")
    day = timezone.localtime(next_slot.start).date()
    staff_client.post(ADD_URL, close_form(space=space, first_day=day, last_day=day))
    closure = Closure.objects.get()
    delete_url = reverse("booking_closure:delete", args=[closure.pk])
    assert staff_client.post(delete_url).status_code in (302, 403)
    client.force_login(make_user("root", is_superuser=True))
    assert client.post(delete_url).status_code in (302, 403)
    assert Closure.objects.filter(pk=closure.pk).exists()
    assert Slot.objects.filter(closure=closure).exists()


def test_a_busy_closure_or_reopening_is_a_message_not_an_error_page(
    staff_client, space, monkeypatch
):
    """Slots locked elsewhere for too long ("busy", tested on PostgreSQL in test_lock_timeout):
    the admin says so and nothing is closed or reopened."""
    from booking import services

    today = timezone.localdate()
    staff_client.post(ADD_URL, close_form(space=space, first_day=today, last_day=today))
    closure = Closure.objects.get()

    def busy(*args, **kwargs):
        raise services.BookingError("busy")

    monkeypatch.setattr(services, "close", busy)
    monkeypatch.setattr(services, "reopen", busy)
    response = staff_client.post(
        ADD_URL, close_form(space=space, first_day=today, last_day=today, reason="別の理由")
    )
    assert response.status_code == 200  # the form again, with the message
    assert any("try again in a few seconds" in text for text in messages_of(response))
    assert Closure.objects.count() == 1

    reopen_url = reverse("booking_closure:reopen", args=[closure.pk])
    response = staff_client.post(reopen_url, follow=True)
    assert any("try again in a few seconds" in text for text in messages_of(response))
    closure.refresh_from_db()
    assert closure.reopened_at is None


def test_closing_shows_what_it_would_do_first_and_changes_nothing(staff_client, space):
    now = timezone.now()
    slots = list(Slot.objects.filter(space=space, start__gt=now).order_by("start")[:2])
    booked = [book(slots[0].pk, make_participant(), now=now) for _ in range(2)]
    booked.append(book(slots[1].pk, booked[0].participant, now=now))
    first_day = timezone.localtime(slots[0].start).date()
    last_day = timezone.localtime(slots[1].start).date()
    data = close_form(space=space, first_day=first_day, last_day=last_day, confirm=False)

    preview = staff_client.post(ADD_URL, data)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "2 times will close." in html and "3 bookings will be cancelled" in html
    assert "(2 people)." in html and "3 mails" in html
    assert 'name="confirm" value="1"' in html and "設備点検のため" in html
    assert not Closure.objects.exists()
    assert all(Booking.objects.get(pk=b.pk).status == "confirmed" for b in booked)

    back = staff_client.post(ADD_URL, {**data, "back": "1"})
    assert back.status_code == 200 and not Closure.objects.exists()
    assert 'value="設備点検のため"' in back.content.decode()  # the form, as typed


def test_reopening_can_give_the_bookings_back_and_says_how_many(
    staff_client, space, django_capture_on_commit_callbacks
):
    now = timezone.now()
    slot = Slot.objects.filter(space=space, start__gt=now).order_by("start").first()
    people = [make_participant() for _ in range(3)]
    for person in people:
        book(slot.pk, person, now=now)
    day = timezone.localtime(slot.start).date()
    staff_client.post(ADD_URL, close_form(space=space, first_day=day, last_day=day))
    closure = Closure.objects.get()
    Slot.objects.filter(pk=slot.pk).update(capacity=2)
    reopen_url = reverse("booking_closure:reopen", args=[closure.pk])

    offer = staff_client.get(reopen_url).content.decode()
    assert "The closure cancelled 3 bookings on them." in offer
    assert "2 can be given back" in offer and "1 cannot (no place left)" in offer
    assert 'name="restore" value="1"' in offer and 'name="restore" value="0"' in offer

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reopen_url, {"restore": "1"}, follow=True)
    assert len(mail.outbox) == 2
    assert [m.to[0] for m in mail.outbox] == [p.contact_email for p in people[:2]]
    [text] = [t for t in messages_of(response) if "open again" in t]
    assert "2 bookings cancelled by the closure were given back." in text
    assert "Mails to the people booked: 2." in text
    assert "1 booking could not be given back (no place left) and stays cancelled." in text


def test_reopening_and_keeping_them_cancelled_says_so(staff_client, space):
    now = timezone.now()
    slot = Slot.objects.filter(space=space, start__gt=now).order_by("start").first()
    booking = book(slot.pk, make_participant(), now=now)
    day = timezone.localtime(slot.start).date()
    staff_client.post(ADD_URL, close_form(space=space, first_day=day, last_day=day))
    closure = Closure.objects.get()
    mail.outbox.clear()
    response = staff_client.post(
        reverse("booking_closure:reopen", args=[closure.pk]), {"restore": "0"}, follow=True
    )
    assert mail.outbox == []
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED_BY_CLOSURE
    assert any(
        "1 booking cancelled by the closure stays cancelled; its participant may book again." in t
        for t in messages_of(response)
    )
