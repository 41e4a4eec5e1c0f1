"""Reminders for tomorrow's confirmed bookings: exactly once, in the participant's language."""

import datetime as dt
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connections

from booking.models import Booking
from booking.services import book, close
from booking.services.reminders import claim, send_reminders

from .helpers import at, make_participant, make_slot, make_space

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)  # a Tuesday
TOMORROW = TODAY + dt.timedelta(days=1)
NOW = at(TODAY, 10)


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.fixture
def space(db):
    return make_space()


def booked(space, start, participant=None, **kwargs):
    slot = make_slot(space, start, **kwargs)
    return book(slot.pk, participant or make_participant(), now=NOW)


def test_only_tomorrows_confirmed_bookings_are_reminded(space):
    due = [
        booked(space, at(TOMORROW, 0, 0)),
        booked(space, at(TOMORROW, 16)),
        booked(space, at(TOMORROW, 23, 30)),
    ]
    not_due = [
        booked(space, at(TODAY, 18)),
        booked(space, at(TOMORROW + dt.timedelta(days=1), 0, 0)),
        booked(space, at(TOMORROW + dt.timedelta(days=3), 16)),
    ]
    full = make_slot(space, at(TOMORROW, 12), capacity=1)
    book(full.pk, make_participant(contact_email="first@example.org"), now=NOW)
    waitlisted = book(full.pk, make_participant(), now=NOW, waitlist=True)
    cancelled = booked(space, at(TOMORROW, 13))
    cancelled.status = Booking.Status.CANCELLED
    cancelled.save()
    other = make_space()
    closed = booked(other, at(TOMORROW, 16))
    close(other, first_day=TOMORROW, last_day=TOMORROW, reason="点検", now=NOW)
    due_emails = {b.participant.contact_email for b in due} | {"first@example.org"}

    assert send_reminders(now=NOW) == 4
    assert {m.to[0] for m in mail.outbox} == due_emails
    assert len(mail.outbox) == 4
    for booking in not_due + [waitlisted, cancelled, closed]:
        booking.refresh_from_db()
        assert booking.reminder_sent_at is None


def test_running_twice_sends_nobody_a_second_reminder(space):
    bookings = [booked(space, at(TOMORROW, 16 + n)) for n in range(3)]
    assert send_reminders(now=NOW) == 3
    assert send_reminders(now=NOW) == 0
    assert send_reminders(now=NOW + dt.timedelta(hours=5)) == 0
    assert len(mail.outbox) == 3
    for booking in bookings:
        booking.refresh_from_db()
        assert booking.reminder_sent_at == NOW


def test_a_booking_made_after_the_run_is_reminded_by_the_next_run(space):
    booked(space, at(TOMORROW, 16))
    assert send_reminders(now=NOW) == 1
    late = booked(space, at(TOMORROW, 17))
    assert send_reminders(now=NOW + dt.timedelta(hours=1)) == 1
    assert [m.to[0] for m in mail.outbox] == [
        mail.outbox[0].to[0],
        late.participant.contact_email,
    ]


def test_a_booking_claimed_by_another_run_is_not_sent_again(space):
    booking = booked(space, at(TOMORROW, 16))
    assert claim(booking.pk, now=NOW)  # another run got there first
    assert not claim(booking.pk, now=NOW)
    assert send_reminders(now=NOW) == 0
    assert mail.outbox == []


def test_the_reminder_is_japanese_with_english_first_for_english_users(space):
    booked(space, at(TOMORROW, 16), make_participant(nickname="はな", language="ja"))
    booked(space, at(TOMORROW, 17), make_participant(nickname="Emma", language="en"))
    send_reminders(now=NOW)
    by_name = {("Emma" if "Emma" in m.body else "はな"): m for m in mail.outbox}

    japanese = by_name["はな"]
    assert japanese.body.startswith("はなさん")
    assert "Hello" not in japanese.body

    english = by_name["Emma"]
    assert "Reminder: your booking tomorrow" in english.subject
    assert "Hello Emma" in english.body and "明日" in english.body
    assert english.body.index("Hello Emma") < english.body.index("明日")
    assert "Booking code" in english.body and "予約番号" in english.body


def test_a_mail_failure_keeps_the_booking_and_the_next_run_retries(space, settings, caplog):
    booking = booked(space, at(TOMORROW, 16))
    settings.EMAIL_BACKEND = "tests.booking.admin.test_reminders.FailingBackend"
    assert send_reminders(now=NOW) == 0  # no crash
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.reminder_sent_at is None  # claim released: retry later
    assert "next run retries" in caplog.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_reminders(now=NOW + dt.timedelta(hours=1)) == 1
    assert send_reminders(now=NOW + dt.timedelta(hours=2)) == 0
    assert len(mail.outbox) == 1


def test_a_participant_without_email_is_skipped_once(space):
    booking = booked(space, at(TOMORROW, 16), make_participant(contact_email=""))
    assert send_reminders(now=NOW) == 0
    booking.refresh_from_db()
    assert booking.reminder_sent_at == NOW  # nothing to retry
    assert mail.outbox == []


def test_the_command_reports_how_many_were_sent(space, monkeypatch):
    from booking.management.commands import send_reminders as command

    booked(space, at(TOMORROW, 16))
    monkeypatch.setattr(command.timezone, "now", lambda: NOW)
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "Reminders sent: 1" in out.getvalue()
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "Reminders sent: 0" in out.getvalue()
    assert len(mail.outbox) == 1


# serialized_rollback: a plain transactional test's flush re-creates the content types under new
# ids, and the serialized-rollback tests that run after it could not restore theirs.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_the_same_time_send_each_reminder_once(on_postgres):
    space = make_space()
    count = 20
    for n in range(count):
        booked(space, at(TOMORROW, 0) + dt.timedelta(minutes=30 * n), capacity=1)
    mail.outbox.clear()  # outside a test transaction the confirmations went out at once
    barrier = threading.Barrier(4)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(send_reminders(now=NOW))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(results) == count
    assert len(mail.outbox) == count
    assert len({m.to[0] for m in mail.outbox}) == count
    assert all("Reminder" in m.subject or "明日" in m.subject for m in mail.outbox)
    assert not Booking.objects.filter(reminder_sent_at__isnull=True).exists()
