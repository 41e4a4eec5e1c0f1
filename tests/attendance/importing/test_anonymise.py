"""Retention: `anonymise_participants --inactive-years N` and `anonymise_inactive`."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError
from django.utils import translation
from wagtail.log_actions import log, registry
from wagtail.models import ModelLogEntry

from attendance.models import Attendance
from attendance.services.reports import fiscal_year_report
from attendance.services.retention import ANONYMISE_ACTION, anonymise_inactive
from booking.models import Booking, Participant, Slot
from core.audit import WALK_IN
from tests.factories import make_user

from .helpers import at, make_schools, make_space, run, visit_at

pytestmark = pytest.mark.django_db

NOW = at(2026, 6, 1, 12)  # fiscal year 2026; with N=2 the window starts 2025-04-01 00:00 JST
LONG_AGO = at(2023, 1, 1, 9)


def person(ref, *, school=None, user=None, **kwargs):
    p = Participant.objects.create(
        reference=ref,
        nickname=f"なまえ{ref}",
        school=school,
        birth_year=2008,
        contact_email=f"{ref.lower()}@example.org",
        user=user,
        **kwargs,
    )
    Participant.objects.filter(pk=p.pk).update(created_at=LONG_AGO)
    return p


@pytest.fixture
def people():
    schools = make_schools()
    space = make_space()
    student = make_user("old-student")  # with its verified address (tests/factories.py)
    assert EmailAddress.objects.filter(user=student, email="old-student@example.org").exists()
    staff = make_user("staff-member", is_staff=True)
    p = {
        # last seen 31 March 2025 23:30 JST: fiscal year 2024, outside a 2-year window
        "old": person("P-0001", school=schools["masuda"], user=student),
        # first seen 1 April 2025 00:10 JST: fiscal year 2025, inside
        "edge": person("P-0002", school=schools["shoyo"]),
        "old_staff": person("P-0003", user=staff),
        "never": person("P-0004"),  # registered long ago, never came
        "booked": person("P-0005"),  # never came but holds a booking in the window
    }
    visit_at(space, p["old"], at(2023, 5, 1, 16))
    visit_at(space, p["old"], at(2024, 4, 3, 16))
    visit_at(space, p["old"], at(2025, 3, 31, 23, 30))
    visit_at(space, p["edge"], at(2024, 7, 1, 16))
    visit_at(space, p["edge"], at(2025, 4, 1, 0, 10))
    visit_at(space, p["old_staff"], at(2023, 9, 1, 16))
    slot = Slot.objects.create(
        space=space, start=at(2026, 6, 10, 16), end=at(2026, 6, 10, 17), capacity=5
    )
    Booking.objects.create(slot=slot, participant=p["booked"], status="confirmed", created_at=NOW)
    # A participant who registered this year and has not come yet is not "inactive".
    Participant.objects.create(reference="P-0006", nickname="しんき")
    return p


def reports():
    return {year: fiscal_year_report(year, now=NOW) for year in (2022, 2023, 2024, 2025, 2026)}


def test_inactive_participants_are_pseudonymised_and_reports_stay_identical(people):
    before = reports()
    assert before[2024]["total_visits"] == 3
    log(instance=people["old"], action="wagtail.create")  # an earlier entry naming them

    assert anonymise_inactive(inactive_years=2, now=NOW) == 3

    old = Participant.objects.get(reference="P-0001")
    assert old.nickname == "匿名-P-0001"
    assert (old.contact_email, old.birth_year, old.user) == ("", None, None)
    assert old.feed_token != people["old"].feed_token
    assert old.school.name == "益田高校"  # aggregates by school depend on it
    assert old.attendances.count() == 3
    # The student account is gone, with its e-mail addresses.
    assert not get_user_model().objects.filter(username="old-student").exists()
    assert not EmailAddress.objects.filter(email="old-student@example.org").exists()
    # A staff member's work account is only detached.
    assert get_user_model().objects.get(username="staff-member").is_active
    assert Participant.objects.get(reference="P-0003").user is None
    assert Participant.objects.get(reference="P-0004").nickname == "匿名-P-0004"

    for ref in ("P-0002", "P-0005", "P-0006"):
        kept = Participant.objects.get(reference=ref)
        assert not kept.nickname.startswith("匿名-"), ref
    assert Participant.objects.get(reference="P-0002").contact_email == "p-0002@example.org"

    assert reports() == before


def test_every_anonymisation_is_in_the_audit_log_without_personal_data(people):
    log(instance=people["old"], action="wagtail.create")
    anonymise_inactive(inactive_years=2, now=NOW)

    entries = ModelLogEntry.objects.filter(action=ANONYMISE_ACTION)
    assert entries.count() == 3
    entry = entries.get(object_id=str(people["old"].pk))
    assert entry.label == "匿名-P-0001 (P-0001)"
    assert entry.data == {"inactive_years": 2}
    assert entry.timestamp == NOW
    with translation.override("en"):
        assert registry.get_action_label(ANONYMISE_ACTION) == "Anonymise participant"
    assert registry.get_action_label(ANONYMISE_ACTION) == "参加者を匿名化"
    # The walk-ins were audited (by the service) under the names of the time: the anonymised
    # people's entries now carry their pseudonym. Someone still active keeps their name.
    assert (
        ModelLogEntry.objects.filter(object_id=str(people["old"].pk), action=WALK_IN).count() == 3
    )
    kept = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Participant),
        object_id=str(people["edge"].pk),
    )
    assert {e.label for e in kept} == {"なまえP-0002 (P-0002)"}
    for logged in ModelLogEntry.objects.exclude(pk__in=kept):
        text = f"{logged.label} {logged.data}"
        assert "なまえ" not in text and "example.org" not in text and "old-student" not in text


def test_a_second_run_finds_nobody_and_a_wider_window_finds_fewer(people):
    assert anonymise_inactive(inactive_years=3, now=NOW) == 2  # P-0001 seen in fiscal 2024
    assert anonymise_inactive(inactive_years=3, now=NOW) == 0
    assert anonymise_inactive(inactive_years=2, now=NOW) == 1  # now P-0001 too


def test_dry_run_changes_nothing(people):
    snapshot = list(Participant.objects.values().order_by("pk"))
    assert anonymise_inactive(inactive_years=2, now=NOW, dry_run=True) == 3
    assert list(Participant.objects.values().order_by("pk")) == snapshot
    assert not ModelLogEntry.objects.filter(action=ANONYMISE_ACTION).exists()


def test_the_window_moves_with_the_fiscal_year_in_asia_tokyo(people):
    # 31 March 2026 23:59 JST is still fiscal 2025: with N=1 only fiscal 2025 counts, so the
    # participant seen on 1 April 2025 00:10 stays.
    still_2025 = dt.datetime(2026, 3, 31, 14, 59, tzinfo=dt.UTC)
    assert anonymise_inactive(inactive_years=1, now=still_2025, dry_run=True) == 3
    # Ten minutes later (1 April 00:09 JST) fiscal 2026 has begun: they are inactive too.
    in_2026 = dt.datetime(2026, 3, 31, 15, 9, tzinfo=dt.UTC)
    assert anonymise_inactive(inactive_years=1, now=in_2026, dry_run=True) == 4


def test_command_dry_run_and_run(people):
    Attendance.objects.all().delete()
    Booking.objects.all().delete()
    out, _ = run("anonymise_participants", "--inactive-years", "3", "--dry-run")
    assert "Dry run: 5 participant(s)" in out and "Nothing was changed" in out
    assert not Participant.objects.filter(nickname__startswith="匿名-").exists()
    out, _ = run("anonymise_participants", "--inactive-years", "3")
    assert "Anonymised 5 participant(s)" in out
    assert Participant.objects.filter(nickname__startswith="匿名-").count() == 5


@pytest.mark.parametrize("years", ["0", "-1", "51"])
def test_command_refuses_a_silly_window(db, years):
    with pytest.raises(CommandError, match="--inactive-years must be between 1 and 50"):
        run("anonymise_participants", "--inactive-years", years)


def test_anonymising_ends_the_sessions_and_scrubs_the_outbox(people, client):
    from django.contrib.sessions.models import Session
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    client.force_login(people["old"].user)  # the student, still logged in on a phone
    someone_else = Client()
    someone_else.force_login(make_user("still-here"))
    refused = "SMTPRecipientsRefused: {'{}': (550, b'no such user')}"
    failed = [
        DBTaskResult.objects.create(
            status="FAILED",
            args_kwargs={"args": [1, "confirmed"], "kwargs": {}},
            task_path="booking.services.notifications.booking_mail",
            backend_name="mail",
            queue_name="default",
            run_after=NOW,
            exception_class_path="smtplib.SMTPRecipientsRefused",
            traceback=refused.replace("{}", address),
        )
        for address in ("p-0001@example.org", "old-student@example.org", "other@example.org")
    ]
    assert Session.objects.count() == 2

    anonymise_inactive(inactive_years=2, now=NOW)

    assert Session.objects.count() == 1
    remaining = Session.objects.get().get_decoded()
    assert remaining["_auth_user_id"] == str(get_user_model().objects.get(username="still-here").pk)
    texts = [DBTaskResult.objects.get(pk=task.pk).traceback for task in failed]
    assert "p-0001@example.org" not in texts[0] and "[anonymised]" in texts[0]
    assert "old-student@example.org" not in texts[1] and "[anonymised]" in texts[1]
    assert texts[2] == refused.replace("{}", "other@example.org")  # not this person's
