import pytest

from tests.factories import make_user


@pytest.fixture
def staff(db):
    # The admin speaks English to this user, so that tests can read its messages whatever the
    # Japanese catalogue says.
    from wagtail.users.models import UserProfile

    user = make_user("staffer", groups=["Staff"])
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


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
