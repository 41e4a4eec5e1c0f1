"""Recurrence rules become dated sessions in Asia/Tokyo, with `now` passed in."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import recurrence

from programs.models import ProgramPage
from programs.schedule import has_schedule, next_session, sessions_between, upcoming_sessions
from tests.factories import weekly_rule

TOKYO = ZoneInfo("Asia/Tokyo")
UTC = dt.UTC

# Building a Page instance looks up the default locale.
pytestmark = pytest.mark.django_db


def jst(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TOKYO)


def program(**kwargs) -> ProgramPage:
    """An unsaved programme: the schedule service reads only its fields."""
    fields = {
        "schedule": weekly_rule(recurrence.SA),
        "starts_on": dt.date(2026, 4, 1),  # a Wednesday
        "start_time": dt.time(14, 0),
        "duration_minutes": 90,
    }
    fields.update(kwargs)
    return ProgramPage(title="test", kind="science", **fields)


def test_weekly_saturday_rule_gives_saturdays_at_start_time_in_tokyo():
    sessions = sessions_between(program(), jst(2026, 4, 1), jst(2026, 5, 1))
    assert [s.start for s in sessions] == [
        jst(2026, 4, 4, 14),
        jst(2026, 4, 11, 14),
        jst(2026, 4, 18, 14),
        jst(2026, 4, 25, 14),
    ]
    for s in sessions:
        assert s.start.tzinfo is not None and s.start.utcoffset() == dt.timedelta(hours=9)
        assert s.start.weekday() == 5
        assert s.end - s.start == dt.timedelta(minutes=90)


def test_first_day_that_does_not_match_the_rule_is_not_a_session():
    # 2026-04-01 is a Wednesday; django-recurrence would add it by default.
    sessions = sessions_between(program(), jst(2026, 3, 25), jst(2026, 4, 12))
    assert [s.start.date() for s in sessions] == [dt.date(2026, 4, 4), dt.date(2026, 4, 11)]


def test_nothing_before_the_first_day():
    assert sessions_between(program(), jst(2026, 3, 1), jst(2026, 4, 1)) == []


def test_exception_date_removes_that_day():
    rule = weekly_rule(recurrence.SA, exdates=[dt.datetime(2026, 4, 11)])
    sessions = sessions_between(program(schedule=rule), jst(2026, 4, 1), jst(2026, 5, 1))
    assert [s.start.date() for s in sessions] == [
        dt.date(2026, 4, 4),
        dt.date(2026, 4, 18),
        dt.date(2026, 4, 25),
    ]


def test_weekday_rule_gives_all_five_days():
    rule = weekly_rule(recurrence.MO, recurrence.TU, recurrence.WE, recurrence.TH, recurrence.FR)
    sessions = sessions_between(
        program(schedule=rule, starts_on=dt.date(2026, 4, 6), start_time=dt.time(16, 0)),
        jst(2026, 4, 6),
        jst(2026, 4, 13),
    )
    assert [s.start for s in sessions] == [jst(2026, 4, d, 16) for d in (6, 7, 8, 9, 10)]


def test_daily_rule_limited_to_weekdays_gives_all_five_days():
    rule = recurrence.Recurrence(
        rrules=[
            recurrence.Rule(
                recurrence.DAILY,
                byday=[recurrence.MO, recurrence.TU, recurrence.WE, recurrence.TH, recurrence.FR],
            )
        ]
    )
    sessions = sessions_between(
        program(schedule=rule, starts_on=dt.date(2026, 4, 1)), jst(2026, 4, 6), jst(2026, 4, 13)
    )
    assert [s.start.weekday() for s in sessions] == [0, 1, 2, 3, 4]


def test_early_morning_session_stays_on_its_date():
    # 07:00 in Tokyo is 22:00 UTC the day before; the session must still be a Saturday.
    p = program(start_time=dt.time(7, 0))
    now = dt.datetime(2026, 4, 3, 12, 0, tzinfo=UTC)  # Friday 21:00 in Tokyo
    sessions = upcoming_sessions(p, now=now, limit=2)
    assert [s.start for s in sessions] == [jst(2026, 4, 4, 7), jst(2026, 4, 11, 7)]
    assert sessions[0].start.astimezone(UTC) == dt.datetime(2026, 4, 3, 22, 0, tzinfo=UTC)
    assert sessions[0].start.astimezone(TOKYO).date() == dt.date(2026, 4, 4)


def test_bounds_in_another_time_zone_are_converted():
    start = dt.datetime(2026, 4, 4, 4, 0, tzinfo=UTC)  # 13:00 in Tokyo, before the session
    end = dt.datetime(2026, 4, 4, 6, 0, tzinfo=UTC)  # 15:00 in Tokyo
    assert [s.start for s in sessions_between(program(), start, end)] == [jst(2026, 4, 4, 14)]


def test_upcoming_sessions_skip_sessions_that_have_started():
    p = program()
    at_start = upcoming_sessions(p, now=jst(2026, 4, 4, 14, 0), limit=1)
    assert at_start[0].start == jst(2026, 4, 4, 14)  # [start, end): a session at `now` counts
    just_after = upcoming_sessions(p, now=jst(2026, 4, 4, 14, 1), limit=3)
    assert [s.start for s in just_after] == [jst(2026, 4, d, 14) for d in (11, 18, 25)]


def test_upcoming_sessions_respect_limit_and_horizon():
    p = program()
    assert len(upcoming_sessions(p, now=jst(2026, 4, 1), limit=5)) == 5
    assert upcoming_sessions(p, now=jst(2026, 4, 1), limit=5, horizon_days=2) == []


def test_ended_schedule_has_no_next_session():
    rule = recurrence.Recurrence(
        rrules=[recurrence.Rule(recurrence.WEEKLY, byday=[recurrence.SA], count=2)]
    )
    p = program(schedule=rule)
    assert [s.start.date() for s in upcoming_sessions(p, now=jst(2026, 4, 1))] == [
        dt.date(2026, 4, 4),
        dt.date(2026, 4, 11),
    ]
    assert next_session(p, now=jst(2026, 4, 12)) is None


def test_rdate_without_time_happens_at_the_usual_time():
    rule = recurrence.Recurrence(rdates=[dt.datetime(2026, 4, 8)])
    p = program(schedule=rule)
    assert [s.start for s in sessions_between(p, jst(2026, 4, 1), jst(2026, 4, 30))] == [
        jst(2026, 4, 8, 14)
    ]


def test_no_schedule_or_no_start_time_gives_no_sessions():
    for p in (program(schedule=None), program(start_time=None)):
        assert not has_schedule(p)
        assert sessions_between(p, jst(2026, 4, 1), jst(2026, 5, 1)) == []
        assert next_session(p, now=jst(2026, 4, 1)) is None
