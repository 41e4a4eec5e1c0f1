"""Who a programme is for is enforced: book() refuses someone outside its schools or its age
band with `not_eligible` (403 in the API), and admits everyone when the page lists no school."""

import datetime as dt

import pytest

from booking.services import BookingError, book
from core.models import School
from programs.eligibility import age_band_admits
from tests.booking.api_helpers import api_client, assert_error, post_booking
from tests.booking.factories import NOW, at, make_participant, make_slot
from tests.factories import make_program

SESSION_DAY = dt.date(2026, 6, 4)


@pytest.mark.parametrize(
    ("birth_year", "admitted"),
    [
        (None, True),  # unknown: nobody is turned away on a guess
        (2011, True),  # 14 or 15 on the day: 15 fits
        (2012, False),  # 13 or 14: too young
        (2007, True),  # 18 or 19
        (2006, False),  # 19 or 20 with age_max 18
    ],
)
def test_the_age_band_admits_either_possible_age(birth_year, admitted):
    assert age_band_admits(birth_year, on=SESSION_DAY, age_min=15, age_max=18) is admitted


@pytest.fixture
def schools(db):
    return School.objects.create(name="益田高校"), School.objects.create(name="明誠高校")


@pytest.fixture
def for_masuda(index, schools):
    programme = make_program(index, age_min=15, age_max=19)
    programme.schools.set([schools[0]])
    programme.save()  # a ParentalManyToManyField is written when the page is saved
    return make_slot(programme, start=at(1))


def test_a_student_of_another_school_is_refused(for_masuda, schools):
    other = make_participant(school=schools[1], birth_year=2010)
    with pytest.raises(BookingError) as refused:
        book(for_masuda.pk, other, now=NOW)
    assert refused.value.code == "not_eligible"
    assert not for_masuda.bookings.exists()


def test_a_student_of_a_listed_school_books(for_masuda, schools):
    mine = make_participant(school=schools[0], birth_year=2010)
    assert book(for_masuda.pk, mine, now=NOW).status == "confirmed"


def test_no_school_is_not_a_listed_school(for_masuda):
    with pytest.raises(BookingError) as refused:
        book(for_masuda.pk, make_participant(school=None, birth_year=2010), now=NOW)
    assert refused.value.code == "not_eligible"
    assert "学校" in refused.value.message  # Japanese first, and it names what decides


def test_a_programme_for_anyone_admits_everyone_in_its_age_band(index, schools):
    slot = make_slot(make_program(index, age_min=15, age_max=19), start=at(1))
    assert book(slot.pk, make_participant(school=None, birth_year=None), now=NOW)
    assert book(slot.pk, make_participant(school=schools[1], birth_year=2009), now=NOW)
    with pytest.raises(BookingError) as too_young:
        book(slot.pk, make_participant(birth_year=2015), now=NOW)
    assert too_young.value.code == "not_eligible"


def test_the_study_space_has_no_such_rule(db):
    assert book(make_slot(start=at(1)).pk, make_participant(birth_year=1990), now=NOW)


def test_the_api_answers_403_not_eligible(for_masuda, schools, time_machine):
    time_machine.move_to(NOW)
    student = make_participant(with_user=True, school=schools[1], birth_year=2010)
    response = post_booking(api_client(student.user), {"slot_id": for_masuda.pk})
    body = assert_error(response, 403, "not_eligible")
    assert "学校" in body["detail"] or "school" in body["detail"]
