"""GET /api/v1/tools/: filters, ordering, items, pagination, CSV and bad input."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.caching import forget_memo
from catalog.tool_queries import ORDERINGS, Q_MAX_LENGTH
from tests.factories import make_category, make_tool

pytestmark = pytest.mark.django_db

URL = "/api/v1/tools/"


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["full_name"] for item in response.json()["results"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["crew/crew", "qdrant/qdrant", "tiny/swarm", "chroma-core/chroma"]),
        ({"layer": "data"}, ["qdrant/qdrant", "chroma-core/chroma"]),
        ({"category": "agent-frameworks,llms"}, ["crew/crew", "tiny/swarm"]),
        ({"language": "python"}, ["crew/crew", "chroma-core/chroma"]),
        (
            {"license": "permissive", "ordering": "-stars"},
            ["crew/crew", "qdrant/qdrant", "chroma-core/chroma"],
        ),
        ({"topic": "llm"}, ["crew/crew"]),
        ({"status": "archived"}, ["old/retired"]),
        ({"featured": "false", "stars_min": "1000", "stars_max": "26000"}, ["qdrant/qdrant"]),
        ({"gained_30d_min": "600"}, ["crew/crew", "qdrant/qdrant"]),
        ({"pushed_after": "2026-11-01", "created_after": "2021-01-01"}, ["crew/crew"]),
        ({"q": "similarity"}, ["qdrant/qdrant"]),
        (
            {"ordering": "-gained_7d"},
            ["crew/crew", "qdrant/qdrant", "tiny/swarm", "chroma-core/chroma"],
        ),
        ({"ordering": "name"}, ["chroma-core/chroma", "crew/crew", "qdrant/qdrant", "tiny/swarm"]),
    ],
)
def test_the_list_applies_the_shared_filters_and_orderings(api, api_catalog, params, expected):
    assert names(api.get(URL, params)) == expected


def test_an_item_carries_identity_placement_metrics_rankings_status_and_links(api, api_catalog):
    item = api.get(URL, {"q": "crew"}).json()["results"][0]
    assert item["full_name"] == "crew/crew"
    assert item["owner"] == "crew"
    assert item["layer"] == {"slug": "models", "name": "Models"}
    assert item["category"] == {"slug": "agent-frameworks", "name": "Agent frameworks"}
    assert item["topics"] == ["agents", "llm"]
    assert (item["stars"], item["stars_gained_30d"], item["score"]) == (30000, 1500, 81.0)
    assert (item["rank_in_category"], item["rank_in_layer"]) == (1, 1)
    assert item["status"] == "active"
    assert item["metrics_as_of"] == "2026-11-28T00:00:00Z"
    assert item["links"]["github"] == "https://github.com/crew/crew"
    assert item["links"]["detail"] == "http://testserver/api/v1/tools/crew/crew/"
    assert item["links"]["history"] == "http://testserver/api/v1/tools/crew/crew/history/"


def test_an_unmeasured_tool_shows_null_metrics_not_zero(api, api_catalog):
    item = api.get(URL, {"q": "chroma"}).json()["results"][0]
    assert item["stars"] is None
    assert item["stars_gained_30d"] is None
    assert item["score"] is None


def test_pages_default_to_50_and_take_up_to_200(api, api_catalog):
    category = make_category("bulk")
    for n in range(205):
        make_tool(f"bulk/t{n:03}", category=category, stars=n)
    first = api.get(URL, {"category": "bulk"}).json()
    assert (first["count"], first["page_size"], first["pages"]) == (205, 50, 5)
    assert len(first["results"]) == 50
    assert first["next"].endswith("page=2")
    big = api.get(URL, {"category": "bulk", "page_size": 200, "page": 2, "ordering": "stars"})
    assert [item["stars"] for item in big.json()["results"]] == [200, 201, 202, 203, 204]
    assert big["X-Total-Count"] == "205"
    assert 'rel="prev"' in big["Link"]


def test_csv_export_has_the_same_filters_and_one_row_per_tool(api, api_catalog):
    response = api.get(URL, {"layer": "data", "format": "csv", "ordering": "-stars"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="strata-tools.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(_body(response))))
    assert [row["full_name"] for row in rows] == ["qdrant/qdrant", "chroma-core/chroma"]
    assert rows[0]["category.slug"] == "vector-databases"
    assert rows[0]["stars"] == "25000"
    assert rows[1]["stars"] == ""  # not measured: empty, never 0


def test_an_empty_csv_still_has_its_header(api, api_catalog):
    response = api.get(URL, {"stars_min": "999999", "format": "csv"})
    header = _body(response).splitlines()
    assert header[0].startswith("full_name,owner,name,")
    assert len(header) == 1


def test_csv_cells_cannot_smuggle_spreadsheet_formulas(api, api_catalog):
    make_tool("evil/csv", category=api_catalog["qdrant"].category, description="=HYPERLINK(1)")
    response = api.get(URL, {"q": "evil", "format": "csv"})
    row = next(csv.DictReader(io.StringIO(_body(response))))
    assert row["description"] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    ("params", "status", "parameter"),
    [
        ({"layer": "nope"}, 400, "layer"),
        ({"category": "llms,nope"}, 400, "category"),
        ({"status": "gone"}, 400, "status"),
        ({"ordering": "-secret"}, 400, "ordering"),
        ({"stars_min": "many"}, 400, "stars_min"),
        ({"stars_max": "-3"}, 400, "stars_max"),
        ({"gained_30d_min": "1e9"}, 400, "gained_30d_min"),
        ({"pushed_after": "2026-02-30"}, 400, "pushed_after"),
        ({"created_after": "last year"}, 400, "created_after"),
        ({"featured": "perhaps"}, 400, "featured"),
        ({"q": "x" * (Q_MAX_LENGTH + 1)}, 400, "q"),
        ({"page": "9"}, 404, "page"),
        ({"page": "zero"}, 400, "page"),
        ({"page": "0"}, 400, "page"),
        ({"page_size": "201"}, 400, "page_size"),
        ({"page_size": "lots"}, 400, "page_size"),
        ({"ordering": "sideways", "format": "csv"}, 400, "ordering"),
    ],
)
def test_bad_input_is_a_json_error_naming_the_parameter(
    api, api_catalog, params, status, parameter
):
    response = api.get(URL, params)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == status
    assert body["parameter"] == parameter
    assert body["detail"].startswith(f"{parameter}: ")


def test_an_unknown_value_lists_what_is_allowed(api, api_catalog):
    assert api.get(URL, {"ordering": "-secret"}).json()["allowed"] == list(ORDERINGS)
    allowed = api.get(URL, {"layer": "nope"}).json()["allowed"]
    assert sorted(allowed) == ["data", "models"]


def test_the_list_runs_the_same_number_of_queries_for_any_page_size(api, api_catalog):
    category = make_category("bulk")
    for n in range(120):
        tool = make_tool(f"bulk/t{n:03}", category=category, stars=n)
        tool.topics.add(*api_catalog["crew"].topics.all())

    def queries(**params) -> int:
        forget_memo()  # each answer cold: the count and the taxonomy read again
        with CaptureQueriesContext(connection) as captured:
            response = api.get(URL, params)
            assert response.status_code == 200
            _body(response)  # a streamed CSV reads its rows as it is sent
        return len(captured)

    small = queries(page_size=2, category="bulk")
    assert small == queries(page_size=100, category="bulk")
    csv_small = queries(page_size=2, category="bulk", format="csv")
    assert csv_small == queries(page_size=100, category="bulk", format="csv") <= small


def test_search_finds_by_a_description_word_and_by_a_misspelt_name(api, api_catalog):
    make_tool("langchain-ai/langchain", category=api_catalog["crew"].category, stars=90000)
    assert names(api.get(URL, {"q": "orchestration"})) == ["crew/crew"]
    assert names(api.get(URL, {"q": "langchian"})) == ["langchain-ai/langchain"]


def test_an_unknown_api_path_is_a_json_404(api, db):
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["parameter"] == "path"
    assert api.get("/api/v1/tools").status_code == 301  # a missing slash still redirects


def test_the_api_root_links_every_endpoint_and_the_docs(api, db):
    links = api.get("/api/v1/").json()
    assert links["tool-list"] == "http://testserver/api/v1/tools/"
    assert links["docs"] == "http://testserver/api/docs/"
    assert api.get("/api/").json() == links


@pytest.mark.parametrize("ordering", list(ORDERINGS))
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_every_ordering_works_in_every_format(api, api_catalog, ordering, fmt):
    response = api.get(URL, {"ordering": ordering, "q": "crew", "format": fmt})
    assert response.status_code == 200
    assert "crew/crew" in _body(response)


@pytest.mark.parametrize(
    ("url", "fmt", "allowed"),
    [
        ("/api/v1/tools/", "xml", ["json", "api", "csv"]),
        ("/api/v1/tools/crew/crew/", "csv", ["json", "api"]),
        ("/api/v1/tools/crew/crew/history/", "yaml", ["json", "api", "csv"]),
        ("/api/v1/compare/?tools=crew/crew,qdrant/qdrant", "csv", ["json", "api"]),
        ("/api/v1/layers/", "csv", ["json", "api"]),
        ("/api/v1/stats/", "csv", ["json", "api"]),
        ("/api/v1/rankings/", "xml", ["json", "api", "csv"]),
        ("/api/v1/", "csv", ["json", "api"]),
    ],
)
def test_an_unknown_format_is_a_400_naming_format_and_the_allowed_ones(
    api, api_catalog, url, fmt, allowed
):
    response = api.get(url + ("&" if "?" in url else "?") + f"format={fmt}")
    assert response.status_code == 400
    body = response.json()
    assert (body["parameter"], body["allowed"]) == ("format", allowed)
    assert body["detail"] == f"format: unknown format '{fmt}' for this endpoint"


def _body(response) -> str:
    """A CSV answer's text: the tool list streams it."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _captured(api, params) -> tuple[list[str], list[dict]]:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(URL, params)
    return names(response), captured.captured_queries


def test_a_search_counts_its_matches_from_the_walk_that_read_every_tool(api, api_catalog):
    """A catalog smaller than the walk: the plan's walk read every listed tool, so the page
    count comes from it (no COUNT), the categories are kept per data version, and the rows
    are read once, topics included."""
    forget_memo()
    found, cold = _captured(api, {"q": "vector"})
    assert found == ["qdrant/qdrant", "chroma-core/chroma"]
    assert not any("COUNT(" in query["sql"].upper() for query in cold)
    # The data version, the categories, the walk, the names, the page's rows (topics in it).
    assert len(cold) == 5
    body = api.get(URL, {"q": "vector", "page_size": 1}).json()
    assert (body["count"], body["pages"]) == (2, 2)
    again, warm = _captured(api, {"q": "agent"})  # another query: the categories are kept
    assert again == ["crew/crew", "tiny/swarm"]
    assert not any('FROM "catalog_category"' in query["sql"] for query in warm)
    assert len(warm) == 4


def test_a_relevance_page_reads_its_rows_by_id_without_sorting_every_match(api, api_catalog):
    for n in range(30):
        make_tool(f"vec{n}/vector-kit{n}", category=api_catalog["qdrant"].category, stars=n)
    found, queries = _captured(api, {"q": "vector", "page_size": 5})
    # "vector" in the name outranks it in the category; equals, the most starred first.
    assert found == [f"vec{n}/vector-kit{n}" for n in (29, 28, 27, 26, 25)]
    # The walk proves the page; no statement sorts the matches by their relevance.
    assert not any("ORDER BY CASE" in query["sql"] for query in queries)
    assert len(queries) <= 6


def test_a_search_count_agrees_with_the_rows_when_names_match_beyond_the_words(api, api_catalog):
    """A misspelt name matches by its name alone: the count the walk gives includes it."""
    make_tool("langchain-ai/langchain", category=api_catalog["crew"].category, stars=90000)
    forget_memo()
    body = api.get(URL, {"q": "langchian"}).json()
    assert [item["full_name"] for item in body["results"]] == ["langchain-ai/langchain"]
    assert body["count"] == 1
    assert body["did_you_mean"] == []


def test_a_relevance_page_no_walk_proves_reads_every_match_in_order_in_one_statement(
    api, api_catalog, monkeypatch
):
    """The most starred tools match "vector" by their category alone; thirty less starred
    ones have it in their names and rank first. The first walk cannot prove a page, and a
    further walk would read more tools than match, so the page is read in relevance order by
    the statement that reads its rows (no further walk, no ids first): six statements."""
    from catalog.search import engine

    vector_search = api_catalog["qdrant"].category
    for n in range(30):
        make_tool(f"vec{n}/vector-kit{n}", category=vector_search, stars=n)
    for n in range(20):
        make_tool(f"big{n}/store{n}", category=vector_search, stars=10**6 + n)
    monkeypatch.setattr(engine, "WALKS", (25, 4000))
    forget_memo()

    found, queries = _captured(api, {"q": "vector", "page_size": 5})

    assert found == [f"vec{n}/vector-kit{n}" for n in (29, 28, 27, 26, 25)]
    assert not any("LIMIT 4000" in query["sql"] for query in queries)  # no second walk
    # The data version, the categories, the first walk, the names, the count, the rows.
    assert len(queries) == 6
    assert sum("ORDER BY CASE" in query["sql"] for query in queries) == 1
