"""The site's URLs plus one view that refuses everyone, for the 403 page's test: no public page of
the site answers 403 (the admin turns a refusal into a redirect with a message)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from cms.urls import handler500
from cms.urls import urlpatterns as site_urlpatterns


def refuse(request):
    raise PermissionDenied("not for you")


urlpatterns = [path("test-forbidden/", refuse), *site_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
