"""Login limits behind the proxy: a whole class gets in, a guesser does not, and a stranger's
wrong passwords cannot lock a student out (docs/accounts.md)."""

from collections import Counter

import pytest
from django.test import Client

from .support import PASSWORD, attempt, verified_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def behind_nginx(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def test_sixty_students_behind_the_proxy_all_get_in_within_a_minute(behind_nginx):
    students = [verified_student() for _ in range(60)]
    outcomes = Counter(
        attempt(Client(), student.username, PASSWORD, f"198.51.100.{n}")
        for n, student in enumerate(students, start=1)
    )
    assert outcomes == {"in": 60}


def test_without_trusting_the_proxy_everyone_shares_its_bucket(settings):
    """Why the setting matters: with TRUSTED_PROXY_COUNT=0 every visitor is the proxy."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    students = [verified_student() for _ in range(61)]
    outcomes = [
        attempt(Client(), student.username, PASSWORD, f"198.51.100.{n}")
        for n, student in enumerate(students, start=1)
    ]
    assert outcomes[:60] == ["in"] * 60
    assert outcomes[60] == "limited"


def test_thirty_wrong_passwords_from_one_client_are_limited(behind_nginx):
    student = verified_student()
    guesser = Client()
    outcomes = Counter(
        # The guesser makes up a left-hand X-Forwarded-For; nginx appends the real address.
        attempt(guesser, student.username, "guess", f"203.0.113.{n}, 192.0.2.66")
        for n in range(30)
    )
    assert outcomes == {"wrong": 5, "limited": 25}
    # The right password from that client is refused too while the limit lasts: the limit
    # must not tell a guesser when the guess was right.
    assert attempt(guesser, student.username, PASSWORD, "192.0.2.66") == "limited"


def test_wrong_passwords_for_many_accounts_from_one_client_are_limited(behind_nginx):
    students = [verified_student() for _ in range(30)]
    guesser = Client()
    outcomes = Counter(attempt(guesser, s.username, "guess", "192.0.2.66") for s in students)
    assert outcomes == {"wrong": 20, "limited": 10}


def test_a_strangers_failures_do_not_lock_the_student_out(behind_nginx):
    student_x = verified_student()
    student_y = verified_student()
    stranger = "192.0.2.66"  # client A
    outcomes = Counter(attempt(Client(), student_x.username, "guess", stranger) for _ in range(10))
    assert outcomes == {"wrong": 5, "limited": 5}

    # Student X, on their own phone (client B), gets in at once.
    assert attempt(Client(), student_x.username, PASSWORD, "198.51.100.7") == "in"
    # Student Y, at the stranger's client (a shared school address), gets in too.
    assert attempt(Client(), student_y.username, PASSWORD, stranger) == "in"
    # By e-mail address as well as by username.
    assert attempt(Client(), student_x.email, PASSWORD, "198.51.100.8") == "in"
