"""Fixtures shared by the booking tests."""

import pytest

from tests.booking.api_helpers import api_client
from tests.booking.factories import make_participant


@pytest.fixture
def student(db):
    return make_participant(with_user=True)


@pytest.fixture
def client_of(student):
    return api_client(student.user)
