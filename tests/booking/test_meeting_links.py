"""An online programme's meeting link reaches the people with a confirmed booking, in every mail
that confirms a place and in the reminder, and again when staff change it: once per booking
per new link, never to the waiting list, a cancelled booking or a session that has ended."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import PageLogEntry

from booking.models import Booking, Slot
from booking.services import book, cancel
from booking.services.meeting_links import link_fingerprint
from booking.services.notifications import mail_key
from booking.services.programs import MEETING_LINK_SENT
from booking.services.reminders import send_reminders
from booking.signals import take_report
from tests.booking.factories import NOW, at, make_participant, make_slot
from tests.factories import make_program

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/manabiba-room-1111"
NEW_LINK = "https://meet.example.org/manabiba-room-2222"


def online_programme(index, **kwargs):
    fields = {"kind": "online", "place": "", "meeting_url": LINK, "title": "オンライン自習室"}
    return make_program(index, **{**fields, **kwargs})


def test_confirmation_promotion_and_reminder_carry_the_link_and_say_online(
    index, django_capture_on_commit_callbacks
):
    # No schedule: the slot below is the only one, and publishing leaves it alone.
    program = online_programme(index, schedule=None, start_time=None)
    slot = make_slot(program, start=at(1, 19), minutes=60, capacity=1)
    first, second = make_participant(), make_participant(language="en")
    # Each mail is rendered once its change commits, from the booking as it is then.
    with django_capture_on_commit_callbacks(execute=True):
        held = book(slot.pk, first, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        book(slot.pk, second, now=NOW, waitlist=True)
    with django_capture_on_commit_callbacks(execute=True):
        cancel(held, now=NOW)  # the waiting list moves up
    sent = send_reminders(now=NOW)

    assert sent == 1
    assert [(m.to[0], m.subject.split("] ")[-1]) for m in mail.outbox] == [
        (first.email, "予約が確定しました"),
        (second.email, "You are on the waiting list"),
        (first.email, "予約をキャンセルしました"),
        (second.email, "A place opened up: your booking is confirmed"),
        (second.email, "Reminder: your booking tomorrow"),
    ]
    confirmed, waiting, cancelled, promoted, reminder = mail.outbox
    for message in (confirmed, promoted, reminder):
        assert LINK in message.body, message.subject
        assert "オンライン" in message.body  # the place line says online, not nothing
    for message in (waiting, cancelled):
        assert LINK not in message.body and "meet.example.org" not in message.body
        assert "オンライン" in message.body
    assert "Online" in promoted.body  # in English first for an English reader


def test_a_new_link_is_mailed_once_per_change_to_confirmed_coming_bookings_only(
    index, django_capture_on_commit_callbacks
):
    # Saturdays 14:00, one place each: publishing made the sessions.
    program = online_programme(index, places_per_session=1)
    now = timezone.now()
    sessions = list(Slot.objects.filter(program=program, start__gt=now).order_by("start")[:2])
    assert len(sessions) == 2
    confirmed = book(sessions[0].pk, make_participant(), now=now)
    waiting = book(sessions[0].pk, make_participant(), now=now, waitlist=True)
    cancelled = book(sessions[1].pk, make_participant(), now=now)
    cancel(cancelled, now=now)
    other = book(sessions[1].pk, make_participant(), now=now)
    past = Slot.objects.create(
        program=program, start=now - dt.timedelta(days=7), end=now - dt.timedelta(days=7, hours=-1),
        capacity=5,
    )  # fmt: skip
    ended = Booking.objects.create(
        slot=past, participant=make_participant(), status="confirmed", created_at=past.start
    )
    mail.outbox.clear()

    program.meeting_url = NEW_LINK
    with django_capture_on_commit_callbacks(execute=True):
        program.save_revision().publish()

    told = sorted(m.to[0] for m in mail.outbox)
    assert told == sorted([confirmed.participant.email, other.participant.email])
    for message in mail.outbox:
        assert NEW_LINK in message.body and LINK not in message.body
        assert message.extra_headers["X-Manabiba-Key"] == mail_key(
            Booking.objects.get(participant__contact_email=message.to[0]).pk,
            "link_changed",
            link_fingerprint(NEW_LINK),
        )
    untold = {waiting, cancelled, ended}
    assert not {b.participant.email for b in untold} & set(told)
    report = take_report(program.pk)
    assert report.link_changed and report.link_told == 2
    entry = PageLogEntry.objects.get(page=program, action=MEETING_LINK_SENT)
    assert entry.data["detail"] == "2"  # the count, never the link
    assert "meet.example.org" not in str(entry.data)

    # Publishing again without a change sends nothing; the next change, one mail each again.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        program.save_revision().publish()
    assert mail.outbox == []
    program.meeting_url = LINK
    with django_capture_on_commit_callbacks(execute=True):
        program.save_revision().publish()
    assert len(mail.outbox) == 2 and all(LINK in m.body for m in mail.outbox)


def test_a_draft_with_a_new_link_tells_nobody_until_it_is_published(
    index, django_capture_on_commit_callbacks
):
    program = online_programme(index)
    now = timezone.now()
    session = Slot.objects.filter(program=program, start__gt=now).earliest("start")
    book(session.pk, make_participant(), now=now)
    mail.outbox.clear()
    program.meeting_url = NEW_LINK
    with django_capture_on_commit_callbacks(execute=True):
        program.save_revision()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        program.get_latest_revision().publish()
    assert len(mail.outbox) == 1 and NEW_LINK in mail.outbox[0].body


def test_the_mail_of_a_link_changed_again_meanwhile_is_not_sent(
    index, django_capture_on_commit_callbacks
):
    """Two changes before the mail went out (a slow outbox): only the mail of the link in use
    is sent; the older one would say the same and confuse."""
    from booking.services.notifications import send_booking_mail

    program = online_programme(index, schedule=None, start_time=None)
    booking = book(make_slot(program, start=at(2, 19)).pk, make_participant(), now=NOW)
    program.meeting_url = NEW_LINK
    program.save()
    mail.outbox.clear()
    assert not send_booking_mail(booking.pk, "link_changed", variant=link_fingerprint(LINK))
    assert send_booking_mail(booking.pk, "link_changed", variant=link_fingerprint(NEW_LINK))
    assert len(mail.outbox) == 1 and NEW_LINK in mail.outbox[0].body


def test_the_link_never_reaches_a_shared_or_cached_page(client, index, settings):
    """A student with a confirmed booking sees the link on My bookings; then every page that
    anonymous visitors share, served twice (the second from the page cache), has none of it,
    and nothing in the cache holds it."""
    from django.core.cache import cache

    from cms.page_cache import HEADER
    from tests.booking.web.factories import make_student, week_of

    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    program = online_programme(index)
    session = Slot.objects.filter(program=program, start__gt=timezone.now()).earliest("start")
    student = make_student()
    book(session.pk, student.participant, now=timezone.now())
    week = f"/programs/{program.pk}/sessions/?week={week_of(session.start)}"
    day = week_of(session.start)
    shared = [program.url, week, "/programs/", f"/api/v1/slots?start={day}&end={day}", "/"]

    client.force_login(student)
    assert LINK in client.get("/my/").content.decode()
    assert LINK in client.get("/api/v1/bookings").json()[0]["meeting_url"]
    for url in shared:
        response = client.get(url)
        assert response.status_code == 200 and LINK not in response.content.decode(), url
    client.logout()
    for url in shared:
        first, second = client.get(url), client.get(url)
        assert (first.status_code, second.status_code, second[HEADER]) == (200, 200, "hit"), url
        assert "オンライン自習室" in second.content.decode() or url.startswith("/api/"), url
        assert "meet.example.org" not in first.content.decode() + second.content.decode(), url
    # Shared entries never hold it; the student's own copies (cms/personal_cache.py, keyed by
    # their user, session and CSRF cookie) may, and only those.
    entries = {key: value for key, value in cache._cache.items() if isinstance(value, bytes)}
    shared = b"".join(value for key, value in entries.items() if "pagecache:personal:" not in key)
    personal = b"".join(value for key, value in entries.items() if "pagecache:personal:" in key)
    assert shared and b"meet.example.org" not in shared
    assert b"meet.example.org" in personal
    cache.clear()
