"""Search that works for Japanese.

Wagtail's database backend keeps a plain-text index of every page (IndexEntry), but its
full-text matching splits words on spaces: Japanese has none, so "実験" never matches
"理科実験「水のふしぎ」" on SQLite FTS or PostgreSQL's tsvector. We keep Wagtail's index (it is
maintained on every publish and already holds the StreamField text without markup) and match
each word of the query as a substring of the indexed title or body instead.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Q
from django.db.models.functions import Cast
from wagtail.search.models import IndexEntry

MAX_TERMS = 5


def search_pages(model, query: str):
    """Live, public pages of `model` whose indexed text contains every word of `query`."""
    terms = query.split()[:MAX_TERMS]
    if not terms:
        return model.objects.none()
    entries = IndexEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
    for term in terms:
        entries = entries.filter(Q(title__icontains=term) | Q(body__icontains=term))
    ids = entries.annotate(page_id=Cast("object_id", BigIntegerField())).values("page_id")
    return model.objects.live().public().filter(pk__in=ids).order_by("title")
