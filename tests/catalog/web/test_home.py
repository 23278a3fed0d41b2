"""The home page is the landscape: layers → categories → leading tools."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.summary_store import summaries_rebuild
from tests.catalog.web.conftest import many_tools
from tests.factories import make_tool

pytestmark = pytest.mark.django_db


def test_home_shows_layers_categories_and_their_leading_tools(client, site_catalog):
    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Infrastructure") < page.index("Vector search") < page.index("Applications")
    assert page.index("qdrant") < page.index("milvus")  # by score within the category
    assert reverse("catalog:category-detail", args=["vector-search"]) in page
    assert site_catalog.qdrant.get_absolute_url() in page
    assert "★ 22k" in page
    assert "+300" in page
    assert "80.5" in page


def test_layer_totals_add_up_their_categories(client, site_catalog):
    page = client.get("/").content.decode()

    assert "3 tools · ★ 92k in total" in page  # qdrant + milvus + vllm
    assert "2 tools · ★ 25k in total" in page  # crewAI (+ the unmeasured newcomer)


def test_a_tool_not_yet_measured_says_so_instead_of_zero(client, site_catalog):
    page = client.get("/").content.decode()

    fresh = page[page.index("newcomer/fresh") :][:400]
    assert "not yet measured" in fresh
    assert "★ 0" not in fresh


def test_home_runs_the_same_number_of_queries_whatever_the_catalog_size(
    client, site_catalog, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    summaries_rebuild()  # as the ranking does after every write
    with CaptureQueriesContext(connection) as small:
        client.get("/")
    many_tools(site_catalog.vectors, 40)
    summaries_rebuild()
    with CaptureQueriesContext(connection) as large:
        page = client.get("/").content.decode()

    assert "43 tools" in page  # qdrant, milvus, vllm and the 40 new ones

    # The data version (with the as-of), the layers with their summaries, the categories, the
    # leaders.
    assert len(large) == len(small) <= 4
    with CaptureQueriesContext(connection) as again:
        client.get("/")
    assert len(again) == 1  # the catalog did not change: its cards are kept for its version


def test_a_new_leader_shows_on_the_next_request(client, site_catalog):
    """The cards are kept per data version: creating and ranking a tool moves it."""
    client.get("/")
    make_tool(
        "newco/rocket",
        category=site_catalog.vectors,
        stars=1_000,
        score=99.0,
        metrics_as_of=site_catalog.qdrant.metrics_as_of,
    )
    summaries_rebuild()

    page = client.get("/").content.decode()

    assert page.index("newco/") < page.index("qdrant/") < page.index("milvus-io/")


def test_cards_are_drawn_as_the_tool_name_include_draws_a_name(site_catalog):
    """The cards write ``includes/tool_name.html`` themselves: the same characters, escaping
    included."""
    from django.template.loader import render_to_string

    from catalog.names import NamedPath
    from catalog.templatetags.strata import tool_name

    tool = make_tool(
        'we"ird/na<me>&co', display_name="<b>Ünï & “co”</b>", category=site_catalog.vectors
    )
    for shown in (tool, site_catalog.qdrant):
        include = render_to_string("catalog/includes/tool_name.html", {"tool": shown})
        owner, name = shown.full_name.split("/")
        path = NamedPath("catalog:tool-detail")(owner, name)

        assert path == shown.get_absolute_url()
        assert tool_name(owner, name, path, shown.display_name) == include


def test_a_layer_with_no_measured_tool_is_not_shown_as_zero_stars(client, site_catalog):
    from tests.factories import make_category, make_layer, make_tool

    empty = make_layer("research", name="Research")
    make_tool("lab/idea", category=make_category("papers", layer=empty, name="Papers"))

    page = client.get("/").content.decode()

    research = page[page.index(">Research</a>") :][:200]
    assert "1 tool · not yet measured" in research
    assert "★ 0" not in research
