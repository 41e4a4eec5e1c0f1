"""Each person's admin sidebar, remembered (cms/admin_sidebar.py): the same JSON Wagtail
builds, without its permission queries, per person and language, and rebuilt at the next page
after their roles change."""

import json
import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.admin.templatetags import wagtailadmin_tags as wagtail_tags
from wagtail.users.models import UserProfile

from tests.factories import make_user

pytestmark = pytest.mark.django_db

SIDEBAR = re.compile(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>')


def sidebar(client, url=None):
    """The menu's JSON on a desk page with a query string (never a whole-page copy)."""
    response = client.get(url or reverse("checkin_home") + "?from=test")
    assert response.status_code == 200
    return json.loads(SIDEBAR.search(response.content.decode()).group(1))


def labels(props) -> set[str]:
    return set(re.findall(r'"label": "([^"]+)"', json.dumps(props, ensure_ascii=False)))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_remembered_sidebar_is_wagtails_own(settings):
    user = make_user("desk", groups=["Staff"])
    client = signed_in(user)
    settings.ADMIN_PAGE_CACHE_ENABLED = False
    wagtails = sidebar(client)
    assert cache.get(f"admin:sidebar:{user.pk}:ja") is None
    settings.ADMIN_PAGE_CACHE_ENABLED = True
    assert sidebar(client) == wagtails  # built and kept
    _versions, kept = cache.get(f"admin:sidebar:{user.pk}:ja")
    assert json.loads(SIDEBAR.search(kept).group(1)) == wagtails
    with CaptureQueriesContext(connection) as served:
        assert sidebar(client) == wagtails
    assert not any("grouppagepermission" in q["sql"] for q in served.captured_queries)


def test_each_person_and_language_has_their_own(settings):
    ja = make_user("aoi", groups=["Staff"])
    en = make_user("ren", groups=["Staff"], admin_language="en")
    a, b = signed_in(ja), signed_in(en)
    for _ in range(2):
        assert "受付" in labels(sidebar(a)) and "Check-in" not in labels(sidebar(a))
        assert "Check-in" in labels(sidebar(b)) and "受付" not in labels(sidebar(b))
        assert '"aoi"' in json.dumps(sidebar(a)) and '"ren"' in json.dumps(sidebar(b))

    profile = UserProfile.get_for_user(ja)
    profile.preferred_language = "en"
    profile.save()
    assert "Check-in" in labels(sidebar(a))


def test_a_role_taken_away_leaves_the_menu_at_the_next_page(django_capture_on_commit_callbacks):
    user = make_user("both", groups=["Staff", "Editors"], admin_language="en")
    client = signed_in(user)
    assert "Check-in" in labels(sidebar(client))
    assert "Check-in" in labels(sidebar(client))  # remembered
    with django_capture_on_commit_callbacks(execute=True):
        user.groups.remove(Group.objects.get(name="Staff"))
    assert "Check-in" not in labels(sidebar(client, reverse("wagtailadmin_home") + "?x=1"))


def test_no_other_template_library_name_is_used_twice():
    """The check silenced for the sidebar's library (cms/settings/base.py) still holds for
    every other name."""
    from django.template import engines

    engine = engines["django"]
    warnings = [w for w in engine.check() if w.id == "templates.W003"]
    assert [w.msg.split(" is used")[0] for w in warnings] == ["'wagtailadmin_tags'"]
    assert (
        engine.engine.template_libraries["wagtailadmin_tags"].tags["sidebar_props"]
        is not (wagtail_tags.register.tags["sidebar_props"])
    )
