"""What every page of a site shows around its content, shared between requests.

Each rendered page needs the Wagtail `Site` of its host, the site's `SocialSettings` (share
image, Instagram link) and the programme index for the navigation: five queries on every
logged-in page, for data that changes only when an editor publishes. They are kept in the cache
under the *pages version* (`cms.page_cache`), which every change to sites, social settings,
images, pages and view restrictions bumps; an entry rendered under another version is a miss.
Nothing in it depends on the visitor: it is the same for every student and for anonymous
visitors.

`load(request)` puts them where Wagtail looks first (`request._wagtail_site`, the settings'
per-request attribute), so `Site.find_for_request` and `SocialSettings.for_request` ask no
database. It is called lazily (by the page view hook and the template tags), so requests that
render no page (the API, the minimal view, cached anonymous pages) never pay for it. Like the
page cache, it is off where `PAGE_CACHE_ENABLED` is (the test settings).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from .page_cache import PAGES_VERSION_KEY, WAGTAIL_SERVE, enabled, pages_version

REQUEST_ATTR = "_manabiba_site_data"
TIMEOUT = 600


def _key(request) -> str:
    raw = f"{request.get_host()}|{request.get_port()}"
    return "sitedata:" + hashlib.sha256(raw.encode()).hexdigest()


def load(request) -> dict:
    """The site, its social settings and the programme index for this request's host."""
    data = getattr(request, REQUEST_ATTR, None)
    if data is not None:
        return data
    from wagtail.models import Site

    from programs.models import ProgramIndexPage

    from .models import SocialSettings

    key = _key(request)
    # Off with the page cache (the test settings): query counts there measure the real work.
    found = cache.get_many([key, PAGES_VERSION_KEY]) if enabled() else {}
    entry = found.get(key)
    version = found.get(PAGES_VERSION_KEY)
    if entry is not None and version is not None and entry["pages"] == version:
        data = entry
        request._wagtail_site = data["site"]
        if data["social"] is not None:
            data["social"]._request = request
            setattr(request, SocialSettings.get_cache_attr_name(), data["social"])
    else:
        # Read before the queries: a change committed meanwhile bumps it, and the entry stored
        # below is already stale for the next request.
        version = version or pages_version()
        site = Site.find_for_request(request)
        if site is not None:
            # The page view routes from here: cached with the site, it costs no query either.
            site.root_page.localized.specific  # noqa: B018
        social = SocialSettings.for_request(request) if site is not None else None
        if social is not None:
            social.default_share_image  # noqa: B018 (fetched now, so that it is cached with it)
        data = {
            "pages": version,
            "site": site,
            "social": social,
            "program_index": ProgramIndexPage.objects.live().public().first(),
        }
        if enabled():
            cache.set(key, data, timeout=TIMEOUT)
    setattr(request, REQUEST_ATTR, data)
    return data


class SiteDataMiddleware:
    """Loads the shared site data before Wagtail's page view looks up its site. Place it after
    PageCacheMiddleware: a page served from the page cache needs none of it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.view_name == WAGTAIL_SERVE:
            load(request)
        return None
