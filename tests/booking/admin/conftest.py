import pytest

from tests.factories import make_user


@pytest.fixture
def staff(db):
    return make_user("staffer", groups=["Staff"], admin_language="en")


@pytest.fixture
def coordinator(db):
    return make_user("coord", groups=["Coordinators"])


@pytest.fixture
def editor(db):
    return make_user("writer", groups=["Editors"])


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client
