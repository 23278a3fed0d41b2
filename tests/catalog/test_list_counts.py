"""A list filtered by layer or category reads its number of tools from the stored summaries
(``catalog.list_counts``): after every write that changes who is listed where, that number must
still be the number of tools the list shows."""

from __future__ import annotations

import pytest

from catalog import services
from catalog.list_counts import stored_list_counts
from catalog.models import Category, Suggestion, Tool
from catalog.ranking.writer import recompute_rankings
from catalog.services.suggestions import suggestion_approve
from catalog.tool_queries import ToolQuery, load_taxonomy, parse_tool_query, tool_count, tool_list
from tests.factories import make_category, make_layer, make_tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed():
    """Two layers; tools placed in a second category of the same layer, of another layer, and
    in two categories of another layer (counted once there)."""
    models, data = make_layer("models"), make_layer("data")
    llms = make_category("llms", layer=models)
    agents = make_category("agents", layer=models)
    vectors = make_category("vector-databases", layer=data)
    rag = make_category("rag", layer=data)
    tools = {
        "alpha": make_tool("acme/alpha", category=agents, stars=500),
        "beta": make_tool("acme/beta", category=vectors, stars=300),
        "gamma": make_tool("acme/gamma", category=llms, stars=200),
        "delta": make_tool("acme/delta", category=rag, stars=100),
        "epsilon": make_tool("acme/epsilon", category=llms, stars=50),
        "archived": make_tool("acme/archived", category=agents, status="archived", stars=9),
        "hidden": make_tool("acme/hidden", category=vectors, hidden=True, stars=1),
    }
    tools["alpha"].secondary_categories.add(vectors, rag)  # another layer, two categories
    tools["gamma"].secondary_categories.add(agents)  # the same layer
    tools["beta"].secondary_categories.add(llms)
    tools["archived"].secondary_categories.add(rag)  # not listed anywhere
    recompute_rankings()
    return tools


def _lists() -> list[ToolQuery]:
    taxonomy = load_taxonomy()
    slugs = list(taxonomy.categories)
    return [
        ToolQuery(),
        *(parse_tool_query({"layer": slug}) for slug in taxonomy.layers),
        *(parse_tool_query({"category": slug}) for slug in slugs),
        *(parse_tool_query({"category": f"{a},{b}"}) for a in slugs for b in slugs if a < b),
    ]


def assert_stored_counts_match_the_lists() -> None:
    assert stored_list_counts() is not None, "the summaries should be current after the write"
    for query in _lists():
        shown = [tool.full_name for tool in tool_list(query=query)]
        assert tool_count(query=query) == len(shown), (query.to_params(), shown)


def test_stored_counts_include_secondary_placements_once(placed):
    counts = stored_list_counts()
    assert counts is not None
    taxonomy = load_taxonomy()
    # data: beta and delta first, alpha second (in both of its categories: once)
    assert counts.placed_in(taxonomy.layers["data"]) == 3
    # models: alpha, gamma, epsilon first, beta second; gamma's second placement is in its
    # own layer (not counted twice); the archived tool is not listed
    assert counts.placed_in(taxonomy.layers["models"]) == 4
    assert counts.placed_in([taxonomy.categories["rag"]]) == 2  # delta, alpha
    assert counts.everywhere() == 5
    assert_stored_counts_match_the_lists()


def test_counts_follow_hiding_and_showing_a_tool_placed_in_another_layer(placed):
    services.tools_set_hidden(tools=[placed["alpha"]], hidden=True)
    assert_stored_counts_match_the_lists()
    services.tools_set_hidden(tools=[placed["alpha"]], hidden=False)
    assert_stored_counts_match_the_lists()


def test_counts_follow_moving_a_tool(placed):
    services.tools_move_to_category(
        tools=[placed["gamma"]], category=Category.objects.get(slug="rag")
    )
    assert_stored_counts_match_the_lists()


def test_counts_follow_a_tool_added_from_a_suggestion(placed, admin_user):
    suggestion = Suggestion.objects.create(
        full_name="acme/new-tool", category=Category.objects.get(slug="rag")
    )
    suggestion_approve(suggestion=suggestion, reviewer=admin_user)
    assert_stored_counts_match_the_lists()


def test_counts_follow_secondary_placements_and_additions_made_in_the_admin(
    placed, admin_client, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    tool, llms, rag = (
        placed["delta"],
        Category.objects.get(slug="llms"),
        Category.objects.get(slug="rag"),
    )
    inline = {"former_names-TOTAL_FORMS": 0, "former_names-INITIAL_FORMS": 0}
    changed = admin_client.post(
        f"/admin/catalog/tool/{tool.pk}/change/",
        {"full_name": tool.full_name, "category": rag.pk, "secondary_categories": [llms.pk]}
        | inline,
    )
    assert changed.status_code == 302, changed.context["adminform"].form.errors
    assert list(tool.secondary_categories.all()) == [llms]
    assert_stored_counts_match_the_lists()

    added = admin_client.post(
        "/admin/catalog/tool/add/",
        {"full_name": "acme/added", "category": llms.pk, "secondary_categories": [rag.pk]} | inline,
    )
    assert added.status_code == 302, added.context["adminform"].form.errors
    assert Tool.objects.filter(full_name="acme/added").exists()
    assert_stored_counts_match_the_lists()


def test_a_category_added_since_the_summaries_were_stored_makes_the_list_be_counted(placed):
    layer = Category.objects.get(slug="rag").layer
    new = make_category("evaluation", layer=layer)  # as in the admin: nothing is re-ranked
    Tool.objects.filter(pk=placed["delta"].pk).update(category=new)  # a write outside services

    assert stored_list_counts() is None  # the data layer's summary has other categories
    for query in _lists():
        assert tool_count(query=query) == len(tool_list(query=query))
