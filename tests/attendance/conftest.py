import pytest
from django.utils import timezone

from tests.factories import make_user

from .factories import NOW


@pytest.fixture
def frozen_now(monkeypatch):
    """The views read the clock with timezone.now(): fix it at NOW (a Wednesday, 16:30 JST)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def staff(db):
    return make_user("desk-staff", groups=["Staff"], admin_language="en")


@pytest.fixture
def staff_client(client, staff, frozen_now):
    client.force_login(staff)
    return client
