"""The search page: filters, sort and pagination, all held in a shareable URL."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import services
from catalog.data_version import forget_memo
from catalog.models import Topic
from catalog.views import search as search_view
from tests.catalog.web.conftest import many_tools
from tests.factories import make_tool

pytestmark = pytest.mark.django_db


def listed(response) -> list[str]:
    """Full names of the tools in the results table, in order."""
    table = response.content.decode().split('<table class="tools">', 1)
    if len(table) == 1:
        return []
    return re.findall(r'<a href="/tools/([^/]+/[^/]+)/">', table[1].split("</table>")[0])


@pytest.fixture
def extras(site_catalog):
    rag = Topic.objects.create(name="rag")
    site_catalog.qdrant.topics.add(rag)
    make_tool("old/archived-store", category=site_catalog.vectors, status="archived", stars=5)
    return site_catalog


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"layer": "applications"}, ["crewAIInc/crewAI", "newcomer/fresh"]),
        ({"category": "vector-search"}, ["qdrant/qdrant", "milvus-io/milvus"]),
        ({"language": "Rust"}, ["qdrant/qdrant"]),
        ({"license": "MIT"}, ["crewAIInc/crewAI"]),
        ({"topic": "rag"}, ["qdrant/qdrant"]),
        ({"status": "archived"}, ["old/archived-store"]),
        ({"stars_min": "26000"}, ["vllm-project/vllm", "milvus-io/milvus"]),
        ({"stars_max": "23000"}, ["qdrant/qdrant", "old/archived-store"][:1]),
        (
            {"pushed_after": "2025-06-01"},
            ["vllm-project/vllm", "qdrant/qdrant", "crewAIInc/crewAI"],
        ),
        ({"q": "vector"}, None),  # relevance order differs between databases; see below
        (
            {"ordering": "-gained_30d"},
            [
                "vllm-project/vllm",
                "crewAIInc/crewAI",
                "qdrant/qdrant",
                "milvus-io/milvus",
                "newcomer/fresh",
            ],
        ),
    ],
)
def test_each_filter_is_applied_and_kept_in_the_form(client, extras, params, expected):
    response = client.get("/search/", params)

    assert response.status_code == 200
    if expected is None:
        assert sorted(listed(response)) == ["milvus-io/milvus", "qdrant/qdrant"]
    else:
        assert listed(response) == expected
    page = response.content.decode()
    for key, value in params.items():
        shown = f'name="{key}" value="{value}"' in page or re.search(
            rf'<select name="{key}"[^>]*>.*?value="{re.escape(value)}" selected', page, re.S
        )
        assert shown, f"{key}={value} is not shown in the form"


def test_filters_combine_and_stay_in_the_pagination_links(client, site_catalog):
    many_tools(site_catalog.vectors, 30)

    response = client.get(
        "/search/", {"q": "vector", "category": "vector-search", "ordering": "-stars"}
    )

    page = response.content.decode()
    assert "Page 1 of 2" in page
    found = re.search(r'href="(\?[^"]*)" rel="next"', page)
    assert found is not None
    next_link = found.group(1)
    assert "q=vector" in next_link
    assert "category=vector-search" in next_link
    assert "ordering=-stars" in next_link
    assert "page=2" in next_link
    second = client.get("/search/" + next_link.replace("&amp;", "&"))
    assert len(listed(second)) == 32 - 25


def test_the_filters_in_use_are_named_with_a_link_to_remove_each(client, site_catalog):
    page = client.get(
        "/search/", {"q": "vector", "category": "vector-search", "stars_min": "10"}
    ).content.decode()

    assert "Category: Vector search" in page
    assert 'href="?q=vector&amp;stars_min=10" aria-label="Remove filter Category"' in page
    assert "Stars at least: 10" in page


def test_empty_form_fields_are_dropped_from_the_shareable_url(client, site_catalog):
    response = client.get("/search/", {"q": "vector", "layer": "", "stars_min": ""})

    assert response.status_code == 302
    assert response["Location"] == "/search/?q=vector"
    repeated = client.get("/search/?category=vector-search&category=&q=")
    assert repeated["Location"] == "/search/?category=vector-search"


def test_an_invalid_parameter_gives_a_friendly_message_not_an_error(client, site_catalog):
    response = client.get("/search/", {"stars_min": "lots"})

    assert response.status_code == 400
    assert "Stars at least: &#x27;lots&#x27; is not a whole number." in response.content.decode()
    assert 'id="search-form"' in response.content.decode()  # the form is there to fix it


def test_an_unknown_ordering_lists_the_allowed_ones(client, site_catalog):
    response = client.get("/search/", {"ordering": "popularity"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "unknown value &#x27;popularity&#x27;" in page
    assert "-gained_30d" in page


def test_no_results_suggests_loosening_each_filter(client, site_catalog):
    response = client.get("/search/", {"q": "vector", "language": "COBOL"})

    page = response.content.decode()
    assert "No tools match “vector”" in page
    assert 'href="?q=vector">Remove the filter Language: COBOL' in page
    assert "search without words" in page


def test_results_have_a_star_sparkline_and_can_be_picked_for_compare(client, site_catalog):
    page = client.get("/search/", {"category": "vector-search"}).content.decode()

    assert page.count('<svg class="spark"') == 2
    assert 'aria-label="Stars of qdrant/qdrant over the last 90 days"' in page
    assert 'name="tools" value="qdrant/qdrant" form="compare-form"' in page


@pytest.mark.parametrize("params", [{}, {"q": "vector", "ordering": "-gained_30d"}])
def test_search_runs_the_same_number_of_queries_for_5_and_50_results(client, site_catalog, params):
    many_tools(site_catalog.vectors, 5)
    with CaptureQueriesContext(connection) as few:
        response = client.get("/search/", {**params, "category": "vector-search"})
    assert len(listed(response)) == 7
    many_tools(site_catalog.serving, 50)
    with CaptureQueriesContext(connection) as lots:
        response = client.get("/search/", {**params, "layer": "infrastructure"})
    assert len(listed(response)) == 25
    with CaptureQueriesContext(connection) as again:
        response = client.get("/search/", {**params, "layer": "infrastructure", "page": 2})
    assert len(listed(response)) == 25

    # The data version, the categories with the form's languages and licences (one
    # statement), the taxonomy the filter's slugs are checked against, the search's plan (with
    # words), the count (with words: the plan's walk counted the matches; without: the stored
    # list counts, catalog.list_counts), the rows and their sparklines. All but the plan, the
    # rows and the sparklines are kept for the data version: the next page reads the version
    # and those.
    plan = 2 if "q" in params else 0  # the walk of the words and the names answering them
    count = 0 if "q" in params else 1
    assert len(lots) == len(few) == 5 + plan + count
    assert len(again) == 3 + plan


def test_column_headers_sort_the_results_and_say_how_they_are_sorted(client, site_catalog):
    page = client.get("/search/", {"q": "vector", "ordering": "-stars"}).content.decode()

    assert (
        '<th scope="col" class="num" aria-sort="descending">'
        '<a href="?q=vector&amp;ordering=stars" title="Sort by stars">Stars ↓</a>'
    ) in page
    assert '<a href="?q=vector&amp;ordering=-score" title="Sort by score">Score</a>' in page


def test_the_same_list_is_offered_from_the_api(client, site_catalog):
    page = client.get("/search/", {"category": "vector-search", "ordering": "-stars"}).content
    api = client.get("/api/v1/tools/", {"category": "vector-search", "ordering": "-stars"}).json()

    assert b'href="/api/v1/tools/?category=vector-search&amp;ordering=-stars">JSON' in page
    assert b"ordering=-stars&amp;format=csv" in page
    assert [tool["full_name"] for tool in api["results"]] == ["milvus-io/milvus", "qdrant/qdrant"]


@pytest.mark.parametrize(("page", "shown"), [("99", "Page 2 of 2"), ("abc", "Page 1 of 2")])
def test_a_page_number_out_of_range_or_malformed_shows_the_nearest_page(
    client, site_catalog, page, shown
):
    many_tools(site_catalog.vectors, 30)

    response = client.get("/search/", {"category": "vector-search", "page": page})

    assert response.status_code == 200
    assert shown in response.content.decode()


def test_the_lifecycle_filter_keeps_only_tools_with_that_label(client, site_catalog):
    site_catalog.qdrant.lifecycle = "rising"
    site_catalog.qdrant.save()
    site_catalog.milvus.lifecycle = "plateaued"
    site_catalog.milvus.save()

    page = client.get("/search/", {"lifecycle": "rising"}).content.decode()

    assert '<option value="rising" selected>Rising</option>' in page
    assert "Lifecycle: Rising" in page
    assert "/tools/qdrant/qdrant/" in page
    assert "/tools/milvus-io/milvus/" not in page


def test_a_search_matching_more_than_are_counted_says_so_and_pages_the_best(
    client, db, monkeypatch
):
    monkeypatch.setattr(search_view, "MAX_COUNTED", 30)
    for n in range(40):
        make_tool(f"agent-owner{n}/agent-kit{n}", stars=1_000 - n)

    page = client.get("/search/", {"q": "agent kit"}).content.decode()
    last = client.get("/search/", {"q": "agent kit", "page": 2}).content.decode()

    assert "<strong>30+</strong> tools matching" in page
    assert "The first 30 are paged here" in page
    assert "agent-owner0/agent-kit0" in page
    assert "Page 1 of 2" in page
    assert "agent-owner29/agent-kit29" in last
    assert "agent-owner30/agent-kit30" not in last


def test_a_common_word_is_counted_in_the_statement_of_the_walk(client, db, monkeypatch):
    """More matches of the words than are counted: the walk's statement said so, and no
    statement counts the matches apart (a cold page: nothing kept for the data version)."""
    monkeypatch.setattr(search_view, "MAX_COUNTED", 30)
    for n in range(40):
        make_tool(f"agent-owner{n}/agent-kit{n}", stars=1_000 - n)
    cache.clear()
    forget_memo()

    with CaptureQueriesContext(connection) as captured:
        page = client.get("/search/", {"q": "agent"}).content.decode()

    assert "<strong>30+</strong> tools matching" in page
    assert "agent-owner0/agent-kit0" in page
    assert not [q for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]


def test_a_search_matching_fewer_than_are_counted_gives_the_exact_count(client, db):
    for n in range(3):
        make_tool(f"agent-owner{n}/agent-kit{n}", stars=1_000 - n)

    page = client.get("/search/", {"q": "agent kit"}).content.decode()

    assert "<strong>3</strong> tools matching" in page
    assert "are paged here" not in page


def test_counts_and_choices_kept_for_the_data_version_follow_a_write(client, site_catalog):
    def search(**params) -> str:
        return client.get("/search/", params).content.decode()

    assert "<strong>2</strong> tools matching “vector”" in search(q="vector")
    assert '<option value="Zig">' not in search(q="vector")

    services.tools_set_hidden(tools=[site_catalog.milvus], hidden=True)
    assert "<strong>1</strong> tool matching “vector”" in search(q="vector")
    make_tool("zig/vector-db", category=site_catalog.vectors, language="Zig")
    page = search(q="vector")
    assert "<strong>2</strong> tools matching “vector”" in page
    assert '<option value="Zig">Zig</option>' in page
