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


@pytest.fixture
def database_left_as_found(django_db_setup, django_db_blocker):
    """Load the migrated data back after a transactional test with serialized rollback.

    pytest-django ends such a test by emptying every table without making content types again,
    so a later transactional test without serialized rollback (the migration tests in
    tests/core) would find none. Request it before `django_db_serialized_rollback` and
    `transactional_db`, not through the `django_db` marker, so that it ends after them.
    """
    yield
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    with django_db_blocker.unblock():
        ContentType.objects.all().delete()  # any made again since, under new ids
        connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
        ContentType.objects.clear_cache()
