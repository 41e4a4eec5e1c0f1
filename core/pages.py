"""Behaviour shared by the site's page types."""

import hashlib

from .cache import PAGES_KEY, cached_under_versions, shared_caching_enabled

# Seconds a remembered route or restriction answer is kept at most (the pages version retires
# it at once when anything changes).
ROUTE_TIMEOUT = 3600


class SharePageMixin:
    """Pages say which image represents them when shared; the meta tags fall back to the
    site's default share image."""

    def get_share_image(self):
        return None


class CachedRoutingMixin:
    """For a site's root page: the page a path leads to, remembered under the pages version.

    Wagtail routes a path one level at a time, two queries per level (the child by slug, then
    its specific type): four for a programme page. The answer changes only when a page is
    published, unpublished, moved or deleted, which bump the pages version (`core.cache`), so
    it is kept there as (content type, id, args, kwargs) and the page is read in one query.
    Only found pages are remembered, so that random paths cannot fill the cache.
    """

    def route(self, request, path_components):
        if not path_components or not shared_caching_enabled():
            return super().route(request, path_components)
        from django.contrib.contenttypes.models import ContentType
        from wagtail.url_routing import RouteResult

        raw = f"{self.pk}|{'/'.join(path_components)}"
        key = "route:" + hashlib.sha256(raw.encode()).hexdigest()
        routed = {}

        def find():
            result = super(CachedRoutingMixin, self).route(request, path_components)
            page, args, kwargs = result
            routed["result"] = result
            return (page.content_type_id, page.pk, list(args), dict(kwargs))

        content_type_id, pk, args, kwargs = cached_under_versions(
            key, find, timeout=ROUTE_TIMEOUT, versions=(PAGES_KEY,)
        )
        if "result" in routed:
            return routed["result"]
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        page = model.objects.filter(pk=pk, live=True).first()
        if page is None:  # unpublished a moment ago, before the version reached the cache
            return super().route(request, path_components)
        return RouteResult(page, args=args, kwargs=kwargs)


class CachedViewRestrictionsMixin:
    """Whether a page or one of its ancestors has a view restriction, remembered under the
    pages version (every restriction saved or deleted, and every move, bumps it).

    Wagtail asks on every page view (two queries: the ancestors with their aliases, then the
    restrictions). Only "none" is answered from the cache; a restricted page reads its
    restrictions from the database as before, so no password ever goes into the cache."""

    def get_view_restrictions(self):
        if not shared_caching_enabled():
            return super().get_view_restrictions()
        key = f"restricted:{self.pk}"
        restricted = cached_under_versions(
            key,
            lambda: super(CachedViewRestrictionsMixin, self).get_view_restrictions().exists(),
            timeout=ROUTE_TIMEOUT,
            versions=(PAGES_KEY,),
        )
        return super().get_view_restrictions() if restricted else []
