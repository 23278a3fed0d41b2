"""Layer and category leaderboards, and trending."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import services
from tests.catalog.web.conftest import many_tools
from tests.factories import make_tool

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    body = response.content.decode().split("<tbody>")[-1]
    return re.findall(r'<a href="/tools/([^/]+/[^/]+)/">', body.split("</tbody>")[0])


def test_layer_page_lists_its_categories_with_totals_and_a_leaderboard(client, site_catalog):
    response = client.get("/layers/infrastructure/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Infrastructure</h1>" in page
    assert 'href="/categories/vector-search/">Vector search</a>' in page
    assert '<td class="num">52k</td>' in page  # vector search's stars in total
    assert '<td class="num">+225</td>' in page  # its median 30-day gain (300 and 150)
    assert names(response) == ["vllm-project/vllm", "qdrant/qdrant", "milvus-io/milvus"]


def test_category_leaderboard_sorts_by_the_chosen_ordering(client, site_catalog):
    by_score = client.get("/categories/vector-search/")
    by_stars = client.get("/categories/vector-search/", {"ordering": "-stars"})

    assert names(by_score) == ["qdrant/qdrant", "milvus-io/milvus"]
    assert names(by_stars) == ["milvus-io/milvus", "qdrant/qdrant"]
    assert 'href="?ordering=-stars" aria-current="page">Most stars' in by_stars.content.decode()


def test_leaderboard_with_a_bad_ordering_explains_instead_of_failing(client, site_catalog):
    response = client.get("/categories/vector-search/", {"ordering": "hype"})

    assert response.status_code == 400
    assert "Cannot sort by that: unknown value &#x27;hype&#x27;" in response.content.decode()


def test_unknown_layer_or_category_is_not_found(client, site_catalog):
    assert client.get("/layers/nope/").status_code == 404
    assert client.get("/categories/nope/").status_code == 404


def test_leaderboard_queries_do_not_grow_with_its_length(client, site_catalog):
    many_tools(site_catalog.vectors, 3)
    with CaptureQueriesContext(connection) as few:
        client.get("/categories/vector-search/")
    many_tools(site_catalog.serving, 60)
    with CaptureQueriesContext(connection) as lots:
        client.get("/categories/serving/")
    with CaptureQueriesContext(connection) as again:
        client.get("/categories/serving/", {"ordering": "-stars", "page": 2})

    # The category, the data version, the list's count (the stored list counts, not a COUNT:
    # catalog.list_counts), its 50 rows and their sparklines; the count is kept for the data
    # version, so other pages and orderings skip it.
    assert len(lots) == len(few) == 5
    assert not any("COUNT(" in query["sql"].upper() for query in [*few, *lots])
    assert len(again) == 4


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # the layer and its summary, its categories, the version, the rows, the sparklines
        ("/layers/infrastructure/", 5),
        ("/categories/vector-search/", 4),
        # the taxonomy, the as-of (twice: the leaders' and the page's), the rows, sparklines
        ("/trending/", 5),
    ],
)
def test_list_pages_read_a_few_queries_whatever_their_length(client, site_catalog, url, queries):
    many_tools(site_catalog.vectors, 60)
    client.get(url)  # the count kept for this data version
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)

    assert response.status_code == 200
    assert len(names(response)) == 50
    assert len(captured) == queries


def counted(client, url: str) -> str:
    found = re.search(r'<p class="muted">([\d,]+) tools?\.', client.get(url).content.decode())
    assert found, "no count on the page"
    return found.group(1)


def test_a_kept_count_is_right_after_every_kind_of_write(client, site_catalog):
    url = "/categories/vector-search/"
    assert counted(client, url) == "2"  # qdrant and milvus
    assert counted(client, url) == "2"  # kept for this data version

    services.tools_set_hidden(tools=[site_catalog.milvus], hidden=True)
    assert counted(client, url) == "1"
    make_tool("new/vector", category=site_catalog.vectors)
    assert counted(client, url) == "2"
    services.tools_move_to_category(tools=[site_catalog.qdrant], category=site_catalog.serving)
    assert counted(client, url) == "1"
    services.tools_set_hidden(tools=[site_catalog.milvus], hidden=False)
    assert counted(client, url) == "2"
    site_catalog.vllm.category = site_catalog.vectors  # an edit in admin saves the tool
    site_catalog.vllm.save()
    assert counted(client, url) == "3"


def test_trending_ranks_by_the_gain_over_the_chosen_window(client, site_catalog):
    week = client.get("/trending/", {"window": "7d"})
    month = client.get("/trending/")

    assert week.status_code == month.status_code == 200
    assert names(week)[0] == "vllm-project/vllm"
    assert names(week) == names(month)[: len(names(week))]
    assert "newcomer/fresh" not in names(month)  # no history: left out, not shown as 0
    assert 'aria-current="page">30 days' in month.content.decode()  # the selected pill


def test_trending_within_a_category(client, site_catalog):
    response = client.get("/trending/", {"window": "30d", "category": "vector-search"})

    assert names(response) == ["qdrant/qdrant", "milvus-io/milvus"]
    # the stored 30-day gain (saved already damped by recompute_rankings)
    assert '<td class="num gain-up">+300</td>' in response.content.decode()


def test_trending_with_an_unknown_window_explains(client, site_catalog):
    response = client.get("/trending/", {"window": "1y", "layer": "nope"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "window: &#x27;1y&#x27; is not a window; use 7d, 30d or 90d" in page
    assert "layer: there is no layer &#x27;nope&#x27;" in page
