import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_image, make_program

pytestmark = pytest.mark.django_db


def test_index_lists_live_programmes_and_filters_by_kind(client, index):
    make_program(index, title="水の実験", kind="science")
    make_program(index, title="川歩き", kind="fieldwork")
    make_program(index, title="下書き", kind="science", live=False)

    html = client.get("/programs/").content.decode()
    assert "水の実験" in html and "川歩き" in html and "下書き" not in html

    html = client.get("/programs/?kind=fieldwork").content.decode()
    assert "川歩き" in html and "水の実験" not in html


@pytest.mark.parametrize(
    "query", ["?page=abc", "?page=-1", "?page=99999", "?kind=nonsense", "?kind=&page=", "?page=1.5"]
)
def test_index_survives_bad_query_strings(client, index, query):
    make_program(index, title="水の実験")
    response = client.get("/programs/" + query)
    assert response.status_code == 200
    assert "水の実験" in response.content.decode()


def count_queries(client, url):
    """Queries of a repeated request: the first one may fill caches (renditions, site root)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/", "/programs/", "/programs/?kind=science", "/search/?q=実験"])
def test_page_queries_do_not_grow_with_programmes(client, index, url):
    for _ in range(3):
        make_program(index, title="理科実験A", hero_image=make_image())
    few = count_queries(client, url)
    for _ in range(57):
        make_program(index, title="理科実験B", hero_image=make_image())
    many = count_queries(client, url)
    print(f"{url}: {few} queries with 3 programmes, {many} with 60")
    assert few == many
