"""The one tool filter/order/search implementation, against hand-built data."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import QueryDict

from catalog.models import Topic
from catalog.tool_queries import (
    ORDERINGS,
    Q_MAX_LENGTH,
    PlacementCounts,
    ToolQuery,
    ToolQueryError,
    load_taxonomy,
    ordering_value,
    parse_tool_query,
    placement_counts,
    tool_count,
    tool_list,
    tools_after,
)
from tests.factories import make_category, make_layer, make_tool, when

pytestmark = pytest.mark.django_db


@pytest.fixture
def query_catalog():
    """Five listed tools (+ one hidden) in two layers, with distinct and missing metrics."""
    models = make_layer("models")
    data = make_layer("data")
    llms = make_category("llms", layer=models)
    agents = make_category("agents", layer=models)
    vectors = make_category("vector-databases", layer=data)
    tools = {
        "alpha": make_tool(
            "acme/alpha",
            category=agents,
            stars=500,
            forks=50,
            contributors=10,
            stars_gained_7d=5,
            stars_gained_30d=40,
            stars_gained_90d=100,
            growth_30d=8.0,
            score=70.0,
            activity=0.9,
            language="Python",
            license_spdx="MIT",
            pushed_at=when("2026-11-20"),
            repo_created_at=when("2023-01-01"),
            featured=True,
            description="An agent framework for tool calling",
        ),
        "beta": make_tool(
            "beta-org/Beta",
            category=vectors,
            stars=2000,
            forks=10,
            contributors=40,
            stars_gained_7d=0,
            stars_gained_30d=300,
            stars_gained_90d=50,
            growth_30d=15.0,
            score=85.0,
            activity=0.5,
            language="Rust",
            license_spdx="Apache-2.0",
            pushed_at=when("2026-10-01"),
            repo_created_at=when("2021-05-05"),
            description="Fast similarity search engine",
        ),
        "gamma": make_tool(
            "gamma/gamma",
            category=llms,
            stars=100,
            forks=80,
            contributors=3,
            stars_gained_7d=1,
            stars_gained_30d=10,
            stars_gained_90d=20,
            growth_30d=10.0,
            score=40.0,
            activity=0.1,
            language="python",
            license_spdx="GPL-3.0",
            pushed_at=when("2025-01-01"),
            repo_created_at=when("2024-06-01"),
        ),
        "delta": make_tool(
            "delta/delta",
            category=vectors,
            stars=2000,
            forks=5,
            contributors=1,
            stars_gained_7d=2,
            stars_gained_30d=5,
            stars_gained_90d=9,
            growth_30d=0.2,
            score=85.0,
            activity=0.3,
            language="Go",
            license_spdx="BSD-3-Clause",
            pushed_at=when("2026-11-01"),
            repo_created_at=when("2020-01-01"),
        ),
        # Not yet measured: every metric NULL, so it sorts after the measured tools.
        "unmeasured": make_tool("zeta/unmeasured", category=llms),
        "archived": make_tool("old/archived", category=llms, status="archived", stars=9000),
        "missing": make_tool("gone/missing", category=llms, status="missing", stars=1),
    }
    make_tool("secret/hidden", category=agents, hidden=True, stars=99999, score=99.0)
    tools["alpha"].secondary_categories.add(vectors)
    python, rag = Topic.objects.create(name="python"), Topic.objects.create(name="rag")
    tools["alpha"].topics.add(python, rag)
    tools["gamma"].topics.add(python)
    return tools


def names(**params) -> list[str]:
    return [tool.full_name for tool in tool_list(query=parse_tool_query(params))]


def test_hidden_and_inactive_tools_are_left_out_by_default(query_catalog):
    assert names(ordering="name") == [
        "acme/alpha", "beta-org/Beta", "delta/delta", "gamma/gamma", "zeta/unmeasured"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"layer": "data"}, ["acme/alpha", "beta-org/Beta", "delta/delta"]),  # alpha: secondary
        ({"category": "llms"}, ["gamma/gamma", "zeta/unmeasured"]),
        ({"category": "llms,agents"}, ["acme/alpha", "gamma/gamma", "zeta/unmeasured"]),
        ({"category": ["llms", "agents"]}, ["acme/alpha", "gamma/gamma", "zeta/unmeasured"]),
        ({"language": "PYTHON"}, ["acme/alpha", "gamma/gamma"]),
        ({"license": "mit"}, ["acme/alpha"]),
        ({"license": "MIT,GPL-3.0"}, ["acme/alpha", "gamma/gamma"]),
        ({"license": "permissive"}, ["acme/alpha", "beta-org/Beta", "delta/delta"]),
        ({"topic": "rag"}, ["acme/alpha"]),
        ({"topic": "python,rag"}, ["acme/alpha", "gamma/gamma"]),
        ({"status": "archived"}, ["old/archived"]),
        ({"status": "archived,missing"}, ["gone/missing", "old/archived"]),
        ({"status": "any", "stars_min": "1000"}, ["beta-org/Beta", "delta/delta", "old/archived"]),
        ({"featured": "true"}, ["acme/alpha"]),
        ({"featured": "no"}, ["beta-org/Beta", "delta/delta", "gamma/gamma", "zeta/unmeasured"]),
        ({"stars_min": "500"}, ["acme/alpha", "beta-org/Beta", "delta/delta"]),
        ({"stars_max": "500"}, ["acme/alpha", "gamma/gamma"]),
        ({"stars_min": "100", "stars_max": "500"}, ["acme/alpha", "gamma/gamma"]),
        ({"gained_30d_min": "40"}, ["acme/alpha", "beta-org/Beta"]),
        ({"pushed_after": "2026-11-01"}, ["acme/alpha", "delta/delta"]),
        ({"created_after": "2023-01-01"}, ["acme/alpha", "gamma/gamma"]),
        ({"layer": "models", "language": "python", "license": "GPL-3.0"}, ["gamma/gamma"]),
    ],
)
def test_each_filter_keeps_exactly_the_matching_tools(query_catalog, params, expected):
    assert names(**params, ordering="name") == expected


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("-stars", ["beta", "delta", "alpha", "gamma", "unmeasured"]),  # tie → lower id first
        ("stars", ["gamma", "alpha", "beta", "delta", "unmeasured"]),  # NULL last both ways
        ("-gained_7d", ["alpha", "delta", "gamma", "beta", "unmeasured"]),
        ("gained_7d", ["beta", "gamma", "delta", "alpha", "unmeasured"]),
        ("-gained_30d", ["beta", "alpha", "gamma", "delta", "unmeasured"]),
        ("gained_30d", ["delta", "gamma", "alpha", "beta", "unmeasured"]),
        ("-gained_90d", ["alpha", "beta", "gamma", "delta", "unmeasured"]),
        ("gained_90d", ["delta", "gamma", "beta", "alpha", "unmeasured"]),
        ("-growth", ["beta", "gamma", "alpha", "delta", "unmeasured"]),
        ("growth", ["delta", "alpha", "gamma", "beta", "unmeasured"]),
        ("-score", ["beta", "delta", "alpha", "gamma", "unmeasured"]),
        ("score", ["gamma", "alpha", "beta", "delta", "unmeasured"]),
        ("-activity", ["alpha", "beta", "delta", "gamma", "unmeasured"]),
        ("activity", ["gamma", "delta", "beta", "alpha", "unmeasured"]),
        ("-pushed_at", ["alpha", "delta", "beta", "gamma", "unmeasured"]),
        ("pushed_at", ["gamma", "beta", "delta", "alpha", "unmeasured"]),
        ("-created_at", ["gamma", "alpha", "beta", "delta", "unmeasured"]),
        ("created_at", ["delta", "beta", "alpha", "gamma", "unmeasured"]),
        ("-contributors", ["beta", "alpha", "gamma", "delta", "unmeasured"]),
        ("contributors", ["delta", "gamma", "alpha", "beta", "unmeasured"]),
        ("-forks", ["gamma", "alpha", "beta", "delta", "unmeasured"]),
        ("forks", ["delta", "beta", "alpha", "gamma", "unmeasured"]),
        ("name", ["alpha", "beta", "delta", "gamma", "unmeasured"]),  # case-insensitive
        ("-name", ["unmeasured", "gamma", "delta", "beta", "alpha"]),
    ],
)
def test_each_ordering_gives_the_exact_order(query_catalog, ordering, expected):
    by_name = {tool.full_name: key for key, tool in query_catalog.items()}
    assert [by_name[name] for name in names(ordering=ordering)] == expected


def test_the_public_orderings_are_the_documented_whitelist():
    plain = {key.lstrip("-") for key in ORDERINGS if key != "relevance"}
    assert plain == {
        "stars", "gained_7d", "gained_30d", "gained_90d", "growth", "score", "activity",
        "pushed_at", "created_at", "contributors", "forks", "name",
    }  # fmt: skip


def test_the_default_order_is_best_score_first(query_catalog):
    assert names()[:3] == ["beta-org/Beta", "delta/delta", "acme/alpha"]


def test_a_query_dict_and_a_plain_mapping_parse_the_same():
    params = QueryDict("category=a&category=b&ordering=-stars&stars_min=3")
    with pytest.raises(ToolQueryError):  # unknown categories are rejected (none exist)
        parse_tool_query(params)
    plain = parse_tool_query({"ordering": "-stars", "stars_min": "3"})
    assert plain == ToolQuery(ordering="-stars", stars_min=3)
    assert plain.to_params() == {"ordering": "-stars", "stars_min": "3"}


def test_to_params_round_trips(query_catalog):
    query = parse_tool_query(
        QueryDict("layer=data&category=llms,agents&license=permissive&status=any&featured=1&q=x")
    )
    assert parse_tool_query(query.to_params()) == query


@pytest.mark.parametrize(
    ("params", "field", "allowed"),
    [
        ({"layer": "nope"}, "layer", ["models", "data"]),
        ({"category": "llms,nope"}, "category", ["llms", "agents", "vector-databases"]),
        ({"status": "deleted"}, "status", ["active", "archived", "missing", "blocked", "any"]),
        ({"ordering": "-password"}, "ordering", list(ORDERINGS)),
        ({"featured": "maybe"}, "featured", ["true", "false"]),
        ({"stars_min": "lots"}, "stars_min", None),
        ({"stars_min": "-1"}, "stars_min", None),
        ({"stars_max": "1.5"}, "stars_max", None),
        ({"stars_min": "10", "stars_max": "5"}, "stars_min", None),
        ({"gained_30d_min": "99999999999"}, "gained_30d_min", None),
        ({"pushed_after": "2026-13-01"}, "pushed_after", None),
        ({"created_after": "yesterday"}, "created_after", None),
        ({"q": "x" * (Q_MAX_LENGTH + 1)}, "q", None),
        ({"language": ["Python", "Go"]}, "language", None),
        ({"category": ",".join(["llms"] * 21)}, "category", None),
    ],
)
def test_bad_values_name_the_parameter_and_what_is_allowed(query_catalog, params, field, allowed):
    with pytest.raises(ToolQueryError) as raised:
        parse_tool_query(params)
    assert raised.value.field == field
    assert raised.value.message
    if allowed is None:
        assert raised.value.allowed is None
    else:
        assert sorted(raised.value.allowed) == sorted(allowed)


def test_search_finds_a_tool_by_a_word_of_its_description(query_catalog):
    assert names(q="similarity") == ["beta-org/Beta"]
    assert names(q="AGENT framework") == ["acme/alpha"]


def test_search_combines_with_filters_and_ignores_hidden_tools(query_catalog):
    assert names(q="agent", layer="data") == ["acme/alpha"]
    assert names(q="agent", layer="models", language="rust") == []
    assert names(q="secret") == []


def test_search_tolerates_a_misspelt_name():
    make_tool("langchain-ai/langchain", description="Build context-aware reasoning apps")
    make_tool("run-llama/llama_index", description="Data framework for LLM apps")
    assert [tool.full_name for tool in tool_list(query=parse_tool_query({"q": "langchian"}))] == [
        "langchain-ai/langchain"
    ]


def test_equally_good_matches_of_a_misspelt_name_put_the_most_starred_first():
    # Created first (lower ids), less popular or unmeasured: the id must not decide.
    make_tool("someone/langchain", description="A fork", stars=None)
    make_tool("other/langchain", description="Another fork", stars=40)
    make_tool("langchain-ai/langchain", description="Build context-aware apps", stars=90000)
    found = tool_list(query=parse_tool_query({"q": "langchian"}))
    assert [tool.full_name for tool in found] == [
        "langchain-ai/langchain",
        "other/langchain",
        "someone/langchain",
    ]


def test_search_ranks_a_name_match_above_a_description_mention():
    make_tool("someone/notes", description="notes about qdrant and other stores")
    make_tool("qdrant/qdrant", description="Vector search engine")
    found = tool_list(query=parse_tool_query({"q": "qdrant"}))
    assert [tool.full_name for tool in found] == ["qdrant/qdrant", "someone/notes"]


def test_search_matches_word_prefixes(query_catalog):
    assert names(q="simil") == ["beta-org/Beta"]


def test_relevance_without_q_falls_back_to_the_default_order(query_catalog):
    assert parse_tool_query({"ordering": "relevance"}).ordering == "-score"
    assert parse_tool_query({"q": "x"}).ordering == "relevance"


def test_dates_filter_from_midnight_utc(query_catalog):
    assert parse_tool_query({"pushed_after": "2026-11-20"}).pushed_after == date(2026, 11, 20)
    assert names(pushed_after="2026-11-20") == ["acme/alpha"]


def test_a_comma_in_the_search_words_is_not_a_second_value(query_catalog):
    assert names(q="similarity, search") == ["beta-org/Beta"]


def test_nul_characters_are_refused_before_they_reach_the_database(query_catalog):
    with pytest.raises(ToolQueryError) as raised:
        parse_tool_query({"language": "Py\x00thon"})
    assert raised.value.field == "language"


def test_a_query_built_by_hand_filters_placements_like_a_parsed_one(query_catalog):
    parsed = parse_tool_query({"layer": "data", "category": "vector-databases,llms"})
    assert parsed.layer_category_ids is not None  # resolved to ids by the parser
    by_hand = ToolQuery(layer="data", categories=("vector-databases", "llms"))
    assert by_hand.layer_category_ids is None  # resolved by a subquery instead
    expected = ["acme/alpha", "beta-org/Beta", "delta/delta"]  # alpha: a secondary placement
    for query in (parsed, by_hand):
        assert sorted(tool.full_name for tool in tool_list(query=query)) == expected
    assert parsed == by_hand  # the resolved ids are no part of the query's identity
    assert parsed.to_params() == {"layer": "data", "category": "vector-databases,llms"}


def test_the_taxonomy_keeps_a_layer_without_categories_and_the_display_order():
    empty = make_layer("empty", position=9)
    data = make_layer("data", position=2)
    make_category("zeta", layer=data, position=1)
    make_category("alpha", layer=data, position=2)
    taxonomy = load_taxonomy()
    assert list(taxonomy.layers) == ["data", "empty"]
    assert taxonomy.layers[empty.slug] == ()
    assert list(taxonomy.categories) == ["zeta", "alpha"]
    assert parse_tool_query({"layer": "empty"}).layer_category_ids == ()
    assert list(tool_list(query=parse_tool_query({"layer": "empty"}))) == []


@pytest.mark.parametrize("ordering", ["-stars", "stars", "-score", "name", "-name", "-pushed_at"])
def test_tools_after_a_row_continue_the_same_order(query_catalog, ordering):
    tools = tool_list(query=parse_tool_query({"ordering": ordering}))
    whole = list(tools)
    for position, row in enumerate(whole):
        after = tools_after(
            tools,
            ordering=ordering,
            value=ordering_value(row, ordering),
            tool_id=row.pk,
            limit=10,
        )
        assert after == whole[position + 1 :]


def test_placement_counts_count_listed_active_tools_of_the_category_and_its_layer(query_catalog):
    agents = query_catalog["alpha"].category
    counts = placement_counts(category_id=agents.pk, layer_id=agents.layer_id)
    # models layer: alpha (agents), gamma and unmeasured (llms); archived, missing and hidden
    # tools are not counted, nor secondary placements.
    assert counts == PlacementCounts(in_category=1, in_layer=3)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"layer": "data"},  # beta and delta placed there first, alpha second (from agents)
        {"layer": "models"},  # alpha placed there first and second: counted once
        {"category": "vector-databases"},
        {"category": "agents,vector-databases"},  # alpha in both
        {"layer": "data", "language": "go"},
        {"layer": "data", "stars_min": "1000"},
        {"layer": "models", "category": "vector-databases"},  # both: counted as listed
        {"layer": "data", "q": "agent"},
        {"category": "llms", "status": "any"},
    ],
)
@pytest.mark.parametrize("summaries", ["stored", "never stored"])
def test_a_count_is_the_number_of_tools_the_list_shows_in_one_query(
    query_catalog, params, summaries, django_assert_num_queries
):
    from catalog.search.engine import plan_search
    from catalog.summary_store import summaries_rebuild
    from catalog.tool_queries import unsearched

    if summaries == "stored":
        summaries_rebuild()
    query = parse_tool_query(params)
    plan = plan_search(tool_list(query=unsearched(query)), query.q) if query.q else None
    listed = len(tool_list(query=query, plan=plan))
    # A list filtered by placement alone reads the stored counts (one query); when the
    # summaries were never stored, it finds that out and counts the list.
    placement_only = set(params) <= {"layer", "category"} and len(params) < 2
    queries = 2 if placement_only and summaries == "never stored" else 1

    with django_assert_num_queries(queries):  # a search's plan is made before (as views do)
        counted = tool_count(query=query, plan=plan)

    assert counted == listed
