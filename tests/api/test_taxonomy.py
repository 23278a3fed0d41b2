"""Layers, categories and stats, and the constant query counts of every list endpoint."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import services
from catalog.models import CatalogSummary, Tool, Topic
from catalog.summary_store import summaries_rebuild
from tests.factories import make_category, make_layer, make_tool

pytestmark = pytest.mark.django_db


def test_layers_give_totals_the_median_gain_and_top_tools(api, api_catalog):
    layers = {layer["slug"]: layer for layer in api.get("/api/v1/layers/").json()}
    models = layers["models"]
    assert (models["tool_count"], models["total_stars"], models["category_count"]) == (2, 30800, 2)
    assert models["median_gain_30d"] == 760.0  # median of 1500 and 20
    assert [tool["full_name"] for tool in models["top_tools"]] == ["crew/crew", "tiny/swarm"]
    assert models["top_tools"][0]["detail"] == "http://testserver/api/v1/tools/crew/crew/"
    assert models["tools"] == "http://testserver/api/v1/tools/?layer=models"
    assert layers["data"]["total_stars"] == 25000  # chroma is unmeasured, not 0


def test_categories_can_be_narrowed_to_a_layer(api, api_catalog):
    everything = [c["slug"] for c in api.get("/api/v1/categories/").json()]
    assert everything == ["agent-frameworks", "llms", "vector-databases"]
    data = api.get("/api/v1/categories/", {"layer": "data"}).json()
    assert [(c["slug"], c["layer"], c["tool_count"]) for c in data] == [
        ("vector-databases", "data", 2)
    ]
    assert data[0]["top_tools"][0]["full_name"] == "qdrant/qdrant"


def test_stats_answer_the_survey_questions(api, api_catalog):
    body = api.get("/api/v1/stats/").json()
    stalled = body["stalled_last_7_days"]
    assert (stalled["measured_tools"], stalled["stalled_tools"], stalled["share"]) == (3, 1, 0.3333)
    concentration = {row["category"]: row for row in body["star_concentration"]}
    assert concentration["agent-frameworks"]["top_share_of_stars"] == round(30000 / 30800, 4)
    assert body["newest_entrants"][0]["full_name"] == "tiny/swarm"
    mix = {row["layer"]: row for row in body["licenses_and_languages"]}
    assert {"name": "Apache-2.0", "tools": 2} in mix["data"]["licenses"]


def test_hiding_a_leader_changes_the_layers_answer_and_its_etag(api, api_catalog):
    first = api.get("/api/v1/layers/")

    services.tools_set_hidden(tools=[api_catalog["crew"]], hidden=True)

    second = api.get("/api/v1/layers/")
    assert second["ETag"] != first["ETag"]
    models = next(layer for layer in second.json() if layer["slug"] == "models")
    assert (models["tool_count"], models["total_stars"]) == (1, 800)
    assert [tool["full_name"] for tool in models["top_tools"]] == ["tiny/swarm"]


def _grow(extra: int) -> None:
    """More layers, categories and tools (with topics) — the query counts must not move."""
    topic = Topic.objects.get_or_create(name="extra")[0]
    for n in range(extra):
        layer = make_layer(f"grow-{extra}-{n}")
        category = make_category(f"grow-{extra}-{n}", layer=layer)
        for m in range(4):
            tool = make_tool(
                f"grow{extra}x{n}/t{m}", category=category, stars=m * 10 + 1, score=float(m),
                stars_gained_7d=m, stars_gained_30d=m, stars_gained_90d=m,
            )  # fmt: skip
            tool.topics.add(topic)
    summaries_rebuild()  # as every write through the importer, admin or services leaves it


LIST_ENDPOINTS = [
    ("/api/v1/tools/", "page_size", {}),
    ("/api/v1/tools/", "page_size", {"format": "csv"}),
    ("/api/v1/tools/", "page_size", {"q": "grow"}),
    ("/api/v1/rankings/", "limit", {}),
    ("/api/v1/rankings/", "limit", {"format": "csv"}),
    ("/api/v1/trending/", "limit", {}),
    ("/api/v1/layers/", None, {}),
    ("/api/v1/categories/", None, {}),
    ("/api/v1/stats/", None, {}),
]


#: Fewer than the ceiling of 6 where a list is that lean (a fresh process: nothing kept).
MOST_QUERIES = {
    ("/api/v1/tools/", ()): 3,
    ("/api/v1/tools/", (("format", "csv"),)): 3,
    ("/api/v1/rankings/", ()): 2,
    ("/api/v1/rankings/", (("format", "csv"),)): 2,
}


@pytest.mark.parametrize(("url", "size_param", "params"), LIST_ENDPOINTS)
def test_every_list_endpoint_runs_a_constant_number_of_queries(
    api, api_catalog, url, size_param, params
):
    def queries(size: int) -> int:
        query = {**params, **({size_param: size} if size_param else {})}
        with CaptureQueriesContext(connection) as captured:
            response = api.get(url, query)
        assert response.status_code == 200, response.content
        return len(captured)

    _grow(2)
    small = queries(2)
    # Issue 12's ceiling; a page of tools or rankings is the data version, its count (until
    # kept) and its rows with their topics in one statement.
    assert small <= MOST_QUERIES.get((url, tuple(params.items())), 6)
    _grow(8)
    # Never more for a bigger page of a bigger catalog (a search may need fewer: with more
    # tools matching its word it stops looking for names typed with a typo).
    assert queries(100) <= small


@pytest.mark.parametrize("url", ["/api/v1/tools/", "/api/v1/layers/", "/api/v1/categories/"])
def test_lists_stay_within_6_queries_and_exact_while_summaries_are_computed_again(
    api, api_catalog, url
):
    """Layers added without a rerank (a raw write) have no stored summary: the first reader
    computes theirs, tools and secondary placements in one statement, and the lists' counts
    are read from the data, not from summaries that no longer describe the catalog."""
    api_catalog["crew"].secondary_categories.add(api_catalog["qdrant"].category)
    _grow(1)
    CatalogSummary.objects.filter(layer__slug__startswith="grow-").delete()

    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)

    assert response.status_code == 200, response.content
    assert len(captured) <= 6
    data = response.json()
    if url == "/api/v1/tools/":
        assert data["count"] == Tool.objects.listed().active().count()
    else:
        shown = {row["slug"]: row["tool_count"] for row in data}
        assert shown["grow-1-0"] == 4


def test_compare_runs_the_same_number_of_queries_for_2_and_10_tools(api, api_catalog):
    _grow(2)
    names = [f"grow2x{n}/t{m}" for n in range(2) for m in range(4)]

    def queries(tools: list[str]) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get("/api/v1/compare/", {"tools": ",".join(tools)})
        assert response.status_code == 200, response.content
        canonical = [name.replace("joao/crewai", "crew/crew") for name in tools]
        assert [tool["full_name"] for tool in response.json()["tools"]] == canonical
        return len(captured)

    two = queries(["crew/crew", "qdrant/qdrant"])
    assert queries(["crew/crew", "qdrant/qdrant", *names]) == two
    # A former name costs the one extra lookup of former names, whatever the count.
    assert queries(["joao/crewai", "qdrant/qdrant", *names]) == two + 1
