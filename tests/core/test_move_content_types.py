"""core.migrations_support.move_content_types: a moved model keeps its content type, and a
content type made too early for the new app is merged into it without losing a grant or an
audit entry."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.utils.timezone import now
from wagtail.models import ModelLogEntry

from core.migrations_support import move_content_types

pytestmark = pytest.mark.django_db


def test_the_moved_type_keeps_its_id_and_a_stale_twin_is_merged_into_it():
    moved = ContentType.objects.create(app_label="oldapp", model="thing")
    stale = ContentType.objects.create(app_label="newapp", model="thing")
    granted = Permission.objects.create(content_type=moved, codename="see_thing", name="See")
    stale_twin = Permission.objects.create(content_type=stale, codename="see_thing", name="See")
    stale_only = Permission.objects.create(content_type=stale, codename="mark_thing", name="Mark")
    early = Group.objects.create(name="Granted on the stale type")
    early.permissions.add(stale_twin, stale_only)
    entry = ModelLogEntry.objects.create(
        content_type=stale, label="x", action="wagtail.create", object_id="1", timestamp=now()
    )

    move_content_types(apps, "oldapp", "newapp", ["thing"])

    moved.refresh_from_db()
    assert (moved.app_label, moved.model) == ("newapp", "thing")
    assert not ContentType.objects.filter(pk=stale.pk).exists()
    assert not Permission.objects.filter(pk=stale_twin.pk).exists()
    assert set(early.permissions.all()) == {granted, stale_only}
    assert Permission.objects.get(pk=stale_only.pk).content_type == moved
    entry.refresh_from_db()
    assert entry.content_type == moved


def test_nothing_to_move_changes_nothing():
    before = ContentType.objects.count()
    move_content_types(apps, "noapp", "otherapp", ["thing"])
    assert ContentType.objects.count() == before
