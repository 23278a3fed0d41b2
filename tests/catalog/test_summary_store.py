"""The stored summaries follow every write that reranks: curation, refresh, import; and a
reader never shows figures of a catalog that has changed shape since they were stored."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import selectors, services
from catalog.models import CatalogSummary, Tool
from catalog.ranking.writer import recompute_rankings
from catalog.stats import survey_stats
from catalog.summary_store import summaries_rebuild
from tests.factories import make_category, make_layer, make_tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def stack():
    """Two layers; infra holds qdrant (the best vector store) and milvus, apps holds crew."""
    infra = make_layer("infra", name="Infrastructure", position=1)
    apps = make_layer("apps", name="Applications", position=2)
    vectors = make_category("vectors", layer=infra, name="Vectors")
    agents = make_category("agents", layer=apps, name="Agents")
    tools = {
        "qdrant": make_tool("qdrant/qdrant", category=vectors, stars=900, score=80.0,
                            stars_gained_7d=5, stars_gained_30d=40),
        "milvus": make_tool("milvus-io/milvus", category=vectors, stars=100, score=60.0,
                            stars_gained_7d=0, stars_gained_30d=10),
        "crew": make_tool("crew/crew", category=agents, stars=50, score=70.0,
                          stars_gained_7d=0, stars_gained_30d=2),
    }  # fmt: skip
    summaries_rebuild()  # what the ranking writer leaves behind after an import
    return infra, apps, vectors, agents, tools


def _layers() -> dict[str, selectors.LayerSummary]:
    return {summary.layer.slug: summary for summary in selectors.layer_summaries()}


def _landscape_names() -> list[str]:
    return [
        tool.full_name
        for card in selectors.landscape()
        for category in card.categories
        for tool in category.top_tools
    ]


def test_hiding_a_tool_takes_it_off_the_landscape_the_layers_and_the_stats(stack):
    *_, tools = stack

    services.tools_set_hidden(tools=[tools["qdrant"]], hidden=True)

    assert "qdrant/qdrant" not in _landscape_names()
    infra = _layers()["infra"]
    assert (infra.tool_count, infra.total_stars, infra.median_gain_30d) == (1, 100, 10.0)
    assert [tool.full_name for tool in infra.top_tools] == ["milvus-io/milvus"]
    concentration = {row["category"]: row for row in survey_stats()["star_concentration"]}
    assert concentration["vectors"]["measured_tools"] == 1


def test_showing_it_again_brings_it_back(stack):
    *_, tools = stack
    services.tools_set_hidden(tools=[tools["qdrant"]], hidden=True)

    services.tools_set_hidden(tools=[tools["qdrant"]], hidden=False)

    assert _landscape_names()[:2] == ["qdrant/qdrant", "milvus-io/milvus"]
    assert _layers()["infra"].tool_count == 2


def test_moving_a_tool_to_another_layer_moves_its_counts_and_its_lead(stack):
    _, _, _, agents, tools = stack

    services.tools_move_to_category(tools=[tools["qdrant"]], category=agents)

    layers = _layers()
    assert (layers["infra"].tool_count, layers["infra"].total_stars) == (1, 100)
    assert (layers["apps"].tool_count, layers["apps"].total_stars) == (2, 950)
    assert [tool.full_name for tool in layers["apps"].top_tools] == ["qdrant/qdrant", "crew/crew"]
    stalled = {row["layer"]: row for row in survey_stats()["stalled_last_7_days"]["layers"]}
    assert (stalled["apps"]["measured_tools"], stalled["apps"]["stalled_tools"]) == (2, 1)


def test_a_refresh_that_changes_stars_moves_the_totals(stack):
    *_, tools = stack
    # What a refresh writes (new stars), then hands to the ranking writer.
    Tool.objects.filter(pk=tools["crew"].pk).update(stars=5000)

    recompute_rankings(tool_ids=[tools["crew"].pk])

    assert _layers()["apps"].total_stars == 5000


def test_a_curator_change_rebuilds_only_the_layers_it_touched(stack):
    *_, tools = stack
    before = dict(CatalogSummary.objects.values_list("layer__slug", "computed_at"))

    services.tools_set_hidden(tools=[tools["crew"]], hidden=True)

    after = dict(CatalogSummary.objects.values_list("layer__slug", "computed_at"))
    assert after["infra"] == before["infra"]
    assert after["apps"] > before["apps"]


def test_a_catalog_never_ranked_is_summarised_on_first_read_and_stored(db):
    layer = make_layer("infra")
    make_tool("a/one", category=make_category("vectors", layer=layer), stars=10, score=1.0)
    assert not CatalogSummary.objects.exists()

    (summary,) = selectors.layer_summaries()

    assert (summary.tool_count, summary.total_stars) == (1, 10)
    assert CatalogSummary.objects.get().payload["tool_count"] == 1


def test_a_category_added_in_admin_shows_at_once_with_no_tools(stack):
    infra, *_ = stack

    make_category("serving", layer=infra, name="Serving")

    summaries = {s.category.slug: s for s in selectors.category_summaries(layer="infra")}
    assert (summaries["serving"].tool_count, summaries["serving"].total_stars) == (0, None)
    assert summaries["vectors"].tool_count == 2


def test_a_summary_stored_in_an_older_format_is_computed_again(stack):
    infra, *_ = stack
    CatalogSummary.objects.filter(layer=infra).update(payload={"format": 0})

    assert _layers()["infra"].tool_count == 2
    assert CatalogSummary.objects.get(layer=infra).payload["tool_count"] == 2


def test_a_leader_hidden_without_a_rerank_is_left_out_not_shown(stack):
    *_, tools = stack
    Tool.objects.filter(pk=tools["qdrant"].pk).update(hidden=True)  # a shell, not a service

    assert "qdrant/qdrant" not in _landscape_names()


def test_a_leader_renamed_by_a_curator_shows_its_new_name(stack):
    *_, tools = stack

    services.tool_update_curated(tool=tools["crew"], fields={"display_name": "CrewAI"})

    apps = _layers()["apps"]
    assert [tool.display_name for tool in apps.top_tools] == ["CrewAI"]


def test_the_rebuild_reads_the_same_number_of_queries_whatever_the_catalog(stack):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            summaries_rebuild()
        return len(captured)

    small = queries()
    for n in range(3):
        layer = make_layer(f"more-{n}")
        category = make_category(f"more-{n}", layer=layer)
        for m in range(5):
            make_tool(f"more{n}/t{m}", category=category, stars=m, score=float(m))

    assert queries() == small
