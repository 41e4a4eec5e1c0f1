"""Staff edit a study space and its opening hours in the Wagtail admin; slots follow."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from booking.models import Booking, OpeningHours, Slot, StudySpace
from booking.services import book
from core.time import local_date, local_zone

from .helpers import EVERY_DAY, make_participant

pytestmark = pytest.mark.django_db

ADD_URL = reverse("wagtailsnippets_booking_studyspace:add")


def edit_url(space):
    return reverse("wagtailsnippets_booking_studyspace:edit", args=[space.pk])


def space_form(hours, *, initial=0, **fields):
    # nested_form_data would spread a list over "-0", "-1" keys; checkboxes post one key with
    # several values, so the weekdays are added afterwards.
    weekdays = [h.pop("weekdays") for h in hours]
    data = {
        "name": "学習スペース",
        "slug": "study-space",
        "place": "益田市ユースサポートセンター 2階",
        "description": "",
        "capacity": "12",
        "slot_minutes": "0",
        "advance_days": "14",
        "max_future_bookings": "5",
        "join_until_minutes_before_end": "30",
        **fields,
        "opening_hours": inline_formset(hours, initial=initial),
    }
    data = nested_form_data(data)
    for index, days in enumerate(weekdays):
        data[f"opening_hours-{index}-weekdays"] = days
    return data


def hours_form(weekdays, opens, closes, *, valid_from=None, valid_until="", **extra):
    return {
        "weekdays": [str(d) for d in weekdays],
        "opens": opens,
        "closes": closes,
        "valid_from": (valid_from or timezone.localdate()).isoformat(),
        "valid_until": valid_until,
        **extra,
    }


def local_times(slots):
    return {s.start.astimezone(local_zone()).time() for s in slots}


def test_the_editor_shows_days_as_checkboxes_not_rrule_text(staff_client):
    html = staff_client.get(ADD_URL).content.decode()
    assert 'type="checkbox"' in html and 'name="opening_hours-__prefix__-weekdays"' in html
    assert "byweekday" not in html and "RRULE" not in html


def test_creating_a_space_with_opening_hours_creates_its_slots(staff_client):
    response = staff_client.post(
        ADD_URL, space_form([hours_form(EVERY_DAY, "16:00", "19:00")]), follow=True
    )
    assert response.status_code == 200
    space = StudySpace.objects.get(slug="study-space")
    hours = OpeningHours.objects.get(space=space)
    assert hours.weekdays == EVERY_DAY and hours.event_id is not None

    slots = Slot.objects.filter(space=space)
    # One slot a day over the 28-day horizon (29 when today's has not started yet).
    assert 28 <= slots.count() <= 29
    assert local_times(slots) == {dt.time(16, 0)}
    assert all(s.capacity == 12 and s.end - s.start == dt.timedelta(hours=3) for s in slots)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(f"{slots.count()} new slots" in text for text in texts), texts


def test_weekday_hours_make_no_weekend_slots(staff_client):
    staff_client.post(ADD_URL, space_form([hours_form([0, 1, 2, 3, 4], "16:00", "19:00")]))
    slots = Slot.objects.filter(space__slug="study-space")
    assert slots.exists()
    assert {local_date(s.start).weekday() for s in slots} <= {0, 1, 2, 3, 4}


def test_closing_before_opening_is_refused_and_nothing_is_saved(staff_client):
    response = staff_client.post(ADD_URL, space_form([hours_form(EVERY_DAY, "19:00", "16:00")]))
    assert response.status_code == 200
    assert "Closing time must be after opening time." in response.content.decode()
    assert not StudySpace.objects.exists() and not Slot.objects.exists()


def test_hours_without_any_day_are_refused(staff_client):
    response = staff_client.post(ADD_URL, space_form([hours_form([], "16:00", "19:00")]))
    assert response.status_code == 200
    assert not StudySpace.objects.exists()


def test_editing_hours_replaces_free_slots_and_cancels_booked_ones(
    staff_client, django_capture_on_commit_callbacks
):
    staff_client.post(ADD_URL, space_form([hours_form(EVERY_DAY, "16:00", "19:00")]))
    space = StudySpace.objects.get(slug="study-space")
    hours = space.opening_hours.get()
    now = timezone.now()
    tomorrow = local_date(now) + dt.timedelta(days=1)
    booked_slot = Slot.objects.get(
        space=space, start=dt.datetime.combine(tomorrow, dt.time(16, 0), tzinfo=local_zone())
    )
    participant = make_participant(language="ja")
    booking = book(booked_slot.pk, participant, now=now)
    old_free = set(
        Slot.objects.filter(space=space, start__gt=now)
        .exclude(pk=booked_slot.pk)
        .values_list("pk", flat=True)
    )
    mail.outbox.clear()

    data = space_form([hours_form(EVERY_DAY, "17:00", "20:00", id=str(hours.pk))], initial=1)
    preview = staff_client.post(edit_url(space), data)
    assert preview.status_code == 200 and "1 booking" in preview.content.decode()
    booked_slot.refresh_from_db()
    assert booked_slot.status == Slot.Status.OPEN  # the preview changed nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(edit_url(space), {**data, "confirm": "1"}, follow=True)
    assert response.status_code == 200

    booked_slot.refresh_from_db()
    booking.refresh_from_db()
    assert booked_slot.status == Slot.Status.CANCELLED
    assert booking.status == Booking.Status.CANCELLED_BY_SCHEDULE  # kept, marked, told
    assert not Slot.objects.filter(pk__in=old_free).exists()
    future_open = Slot.objects.filter(space=space, start__gt=now, status=Slot.Status.OPEN)
    assert local_times(future_open) == {dt.time(17, 0)}
    assert [m.to for m in mail.outbox] == [[participant.contact_email]]
    assert "日程が変わって" in mail.outbox[0].body and "16:00" in mail.outbox[0].body
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(
        "1 booked time no longer takes place" in text and "Mails to the people booked: 1." in text
        for text in texts
    ), texts


def test_shortening_the_hours_previews_the_booked_times_then_tells_exactly_who(
    staff_client, django_capture_on_commit_callbacks
):
    """The first week in Masuda: weekday hours 16:00–19:00 shortened to 18:00 with bookings."""
    staff_client.post(ADD_URL, space_form([hours_form(EVERY_DAY, "16:00", "19:00")]))
    space = StudySpace.objects.get(slug="study-space")
    hours = space.opening_hours.get()
    now = timezone.now()
    booked_slots = list(Slot.objects.filter(space=space, start__gt=now).order_by("start")[:2])
    people = [make_participant() for _ in range(3)] + [make_participant(contact_email="")]
    for person in people[:2]:
        book(booked_slots[0].pk, person, now=now)
    for person in people[2:]:
        book(booked_slots[1].pk, person, now=now)
    data = space_form([hours_form(EVERY_DAY, "16:00", "18:00", id=str(hours.pk))], initial=1)
    mail.outbox.clear()

    preview = staff_client.post(edit_url(space), data)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "2 booked times change" in html and "with 4 bookings." in html
    assert "3 mails" in html and "1 booking has no mail address" in html
    assert html.count("Kept, now 16:00–18:00") == 2
    assert all(s.end == Slot.objects.get(pk=s.pk).end for s in booked_slots)  # unchanged
    hours.refresh_from_db()
    assert hours.closes == dt.time(19)
    back = staff_client.post(edit_url(space), {**data, "back": "1"})
    assert back.status_code == 200 and 'value="18:00"' in back.content.decode()  # as typed
    hours.refresh_from_db()
    assert hours.closes == dt.time(19) and mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(edit_url(space), {**data, "confirm": "1"}, follow=True)
    assert response.status_code == 200
    hours.refresh_from_db()
    assert hours.closes == dt.time(18)
    assert len(mail.outbox) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.contact_email for p in people[:3])
    assert all("16:00〜18:00" in m.body for m in mail.outbox)
    for slot in booked_slots:
        slot.refresh_from_db()
        assert slot.end.astimezone(local_zone()).time() == dt.time(18)
    assert Booking.objects.filter(status="confirmed").count() == 4  # nobody lost a place
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    [text] = [t for t in texts if t.startswith("Opening hours applied")]
    assert "2 booked times keep their bookings at their new times." in text
    assert "Mails to the people booked: 3." in text
    assert "1 booking has no mail address: please tell that person yourself." in text


def test_a_change_that_touches_no_booking_saves_at_once(staff_client):
    staff_client.post(ADD_URL, space_form([hours_form(EVERY_DAY, "16:00", "19:00")]))
    space = StudySpace.objects.get(slug="study-space")
    hours = space.opening_hours.get()
    data = space_form([hours_form(EVERY_DAY, "16:00", "18:00", id=str(hours.pk))], initial=1)
    response = staff_client.post(edit_url(space), data, follow=True)
    assert response.status_code == 200
    hours.refresh_from_db()
    assert hours.closes == dt.time(18)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("No booked time was changed." in t for t in texts), texts


def test_the_cut_off_for_joining_is_edited_with_the_space(staff_client):
    assert 'name="join_until_minutes_before_end"' in staff_client.get(ADD_URL).content.decode()
    staff_client.post(
        ADD_URL,
        space_form([hours_form(EVERY_DAY, "16:00", "19:00")], join_until_minutes_before_end="45"),
    )
    assert StudySpace.objects.get(slug="study-space").join_until_minutes_before_end == 45
