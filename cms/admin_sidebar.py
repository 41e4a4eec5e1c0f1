"""Wagtail's `wagtailadmin_tags` library, with each person's sidebar remembered.

Every admin page Wagtail renders builds its sidebar afresh: the menu's items each ask whether
the person may see them (page, collection, site and model permissions: three queries and a
dozen permission checks), then the whole menu is serialised to JSON (`sidebar_props`). On the
check-in desk's day page that is a quarter of the page's time. The JSON says nothing about the
page it is on (the menu marks the current item in the browser), so it is the same on every page
for one person in one language, until their permissions, their profile or the pages change.

This library is Wagtail's own (every tag and filter), registered under the same name through
the template engine's `libraries` option (cms/settings/base.py), except that `sidebar_props`
keeps its output per user and language under the versions of `cms.admin_cache` (pages,
availability, attendance, the admin data version bumped by any committed save, and the person's
own), for `TIMEOUT` seconds at most. Anything that could change the menu is a committed save:
a group's permissions, a page permission, the person's groups or profile (its dismissed help
items, its avatar), a page published.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.admin.templatetags import wagtailadmin_tags as wagtail

from core.cache import cached_under_versions

from . import admin_cache

TIMEOUT = 600

register = template.Library()
register.tags.update(wagtail.register.tags)
register.filters.update(wagtail.register.filters)


@register.simple_tag(takes_context=True)
def sidebar_props(context):
    request = context["request"]
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not admin_cache.enabled():
        return wagtail.sidebar_props(context)
    html = cached_under_versions(
        f"admin:sidebar:{user.pk}:{get_language()}",
        lambda: str(wagtail.sidebar_props(context)),
        timeout=TIMEOUT,
        versions=admin_cache.versions_of(request),
    )
    return mark_safe(html)  # noqa: S308 - Wagtail's own output, kept as it was
