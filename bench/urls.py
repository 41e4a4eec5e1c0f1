"""The site's URLs plus the minimal view the benchmark compares everything with."""

from django.http import HttpResponse
from django.urls import include, path


def minimal(request):
    """The framework's limit on this machine: routing, middleware and a tiny response."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal, name="bench_minimal"),
    path("", include("cms.urls")),
]
