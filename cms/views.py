from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.text import nfkc
from programs.models import ProgramPage

from .search import search_pages

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 100


def search(request):
    """Site search over programme pages. A missing, empty or overlong query gives a normal page."""
    query = nfkc(request.GET.get("q", "")).strip()[:MAX_QUERY_LENGTH]
    results = search_pages(ProgramPage, query).select_related("hero_image")
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "cms/search.html",
        {
            "search_query": query,
            "results": page,
            "page_title": _("Search"),
        },
    )
