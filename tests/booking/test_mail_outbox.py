"""Production's mail outbox: the mail task is a row written in the booking's own transaction
(django-tasks-db), and `manage.py db_worker --backend mail` sends it."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from booking.models import Booking
from booking.services import BookingError, book, cancel
from booking.services.notifications import MAX_ATTEMPTS, resend_failed_mail, send_booking_mail
from tests.booking.factories import NOW, make_participant, make_slot

pytestmark = pytest.mark.django_db

MAIL_TASK = "booking.services.notifications.booking_mail"
IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


@pytest.fixture(autouse=True)
def outbox_backend(settings):
    settings.TASKS = {
        **settings.TASKS,
        "mail": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }


def queued() -> list[list]:
    return [
        task.args_kwargs["args"]
        for task in DBTaskResult.objects.filter(task_path=MAIL_TASK).order_by("enqueued_at")
    ]


def run_worker() -> None:
    call_command(
        "db_worker",
        "--backend",
        "mail",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )


def test_a_booking_writes_its_mail_task_and_sends_nothing_itself():
    booking = book(make_slot(capacity=2).pk, make_participant(), now=NOW)
    assert queued() == [[booking.pk, "confirmed"]]
    assert mail.outbox == []


def test_the_mail_task_rolls_back_with_the_booking():
    slot = make_slot(capacity=2)
    with pytest.raises(RuntimeError), transaction.atomic():
        book(slot.pk, make_participant(), now=NOW)
        raise RuntimeError("anything after the booking fails")
    assert not Booking.objects.exists()
    assert queued() == []


def test_a_refused_booking_queues_no_mail():
    slot = make_slot(capacity=1)
    book(slot.pk, make_participant(), now=NOW)
    with pytest.raises(BookingError):
        book(slot.pk, make_participant(), now=NOW)
    assert len(queued()) == 1


# The worker opens its own transactions (BEGIN EXCLUSIVE on SQLite): these tests commit for
# real, and `serialized_rollback` restores what the migrations created afterwards.
worker_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@worker_test
def test_the_worker_sends_every_mail_once_in_the_participants_language():
    slot = make_slot(capacity=1)
    first = book(slot.pk, make_participant(), now=NOW)
    waiting = book(slot.pk, make_participant(language="en"), now=NOW, waitlist=True)
    cancel(first, now=NOW)
    assert [event for _pk, event in queued()] == [
        "confirmed",
        "waitlisted",
        "cancelled",
        "promoted",
    ]
    assert mail.outbox == []

    run_worker()
    assert len(mail.outbox) == 4
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {
        TaskResultStatus.SUCCESSFUL
    }
    promoted = mail.outbox[-1]
    assert promoted.to == [waiting.participant.email]
    assert promoted.subject.endswith("A place opened up: your booking is confirmed")
    assert waiting.code in promoted.body
    english, japanese = promoted.body.split("----------")  # English first, then Japanese
    assert "a place opened up, and your booking is now confirmed" in english
    assert "席が空いたので、予約が確定しました。" in japanese

    run_worker()  # nothing left to send
    assert len(mail.outbox) == 4


@worker_test
def test_a_failing_mail_server_keeps_the_booking_and_the_mail_is_sent_once_it_is_back(settings):
    settings.EMAIL_BACKEND = "tests.booking.test_services.ExplodingBackend"
    booking = book(make_slot(capacity=1).pk, make_participant(), now=NOW)
    run_worker()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert mail.outbox == []
    failed = DBTaskResult.objects.get()
    assert failed.status == TaskResultStatus.FAILED
    assert "the mail server is down" in failed.traceback

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert resend_failed_mail() == 1
    assert resend_failed_mail() == 0  # the failed row was replaced by its retry, once
    run_worker()
    assert [m.to for m in mail.outbox] == [[booking.participant.email]]
    assert booking.code in mail.outbox[0].body
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == [
        TaskResultStatus.SUCCESSFUL
    ]


@worker_test
def test_a_mail_the_server_keeps_refusing_is_tried_five_times_then_kept_failed(settings):
    settings.EMAIL_BACKEND = "tests.booking.test_services.ExplodingBackend"
    book(make_slot(capacity=1).pk, make_participant(), now=NOW)
    run_worker()
    for _ in range(MAX_ATTEMPTS - 1):
        assert resend_failed_mail() == 1
        run_worker()
    assert resend_failed_mail() == 0
    given_up = DBTaskResult.objects.get()
    assert given_up.status == TaskResultStatus.FAILED
    assert given_up.args_kwargs["kwargs"] == {"attempt": MAX_ATTEMPTS}


def test_resending_does_nothing_where_mail_is_sent_in_process(settings):
    settings.TASKS = {**settings.TASKS, "mail": {"BACKEND": IMMEDIATE}}
    book(make_slot(capacity=1).pk, make_participant(), now=NOW)
    assert resend_failed_mail() == 0
    out = StringIO()
    call_command("resend_failed_mail", stdout=out)
    assert out.getvalue().splitlines() == [
        "Mails queued again: 0",
        "Stalled mails queued again: 0",
    ]


def test_a_mail_for_a_booking_deleted_since_is_skipped():
    booking = book(make_slot(capacity=1).pk, make_participant(), now=NOW)
    Booking.objects.filter(pk=booking.pk).delete()
    assert send_booking_mail(booking.pk, "confirmed", raise_errors=True) is False
    assert mail.outbox == []
