"""The shared reads behind the web pages and the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from catalog import selectors
from catalog.forms import search_form_choices
from catalog.models import FormerName
from catalog.ranking.writer import recompute_rankings
from tests.factories import make_category, make_layer, make_snapshot, make_tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def stack():
    """Two layers; the first has two categories, the second one."""
    infra = make_layer("infra", name="Infrastructure")
    apps = make_layer("apps", name="Applications")
    vectors = make_category("vector-search", layer=infra, name="Vector search")
    serving = make_category("serving", layer=infra, name="Serving")
    agents = make_category("agents", layer=apps, name="Agents")
    return infra, apps, vectors, serving, agents


def test_category_summaries_count_listed_active_tools_and_give_the_median_gain(stack):
    vectors = stack[2]
    make_tool("a/one", category=vectors, stars=100, stars_gained_30d=10, score=50)
    make_tool("a/two", category=vectors, stars=300, stars_gained_30d=30, score=70)
    make_tool("a/three", category=vectors, stars=None)  # not yet measured
    make_tool("a/hidden", category=vectors, stars=999, hidden=True)
    make_tool("a/archived", category=vectors, stars=999, status="archived")

    summaries = {s.category.slug: s for s in selectors.category_summaries()}

    assert summaries["vector-search"].tool_count == 3
    assert summaries["vector-search"].total_stars == 400
    assert summaries["vector-search"].median_gain_30d == 20.0
    assert [t.full_name for t in summaries["vector-search"].top_tools] == [
        "a/two",
        "a/one",
        "a/three",
    ]
    assert summaries["serving"].tool_count == 0
    assert summaries["serving"].total_stars is None  # nothing measured, not 0
    assert summaries["serving"].median_gain_30d is None


def test_category_summaries_of_one_layer_leave_out_the_others(stack):
    _, _, vectors, _, agents = stack
    make_tool("a/one", category=vectors)
    make_tool("b/two", category=agents)

    slugs = [s.category.slug for s in selectors.category_summaries(layer="apps")]

    assert slugs == ["agents"]


def test_category_summaries_run_a_fixed_number_of_queries(stack, django_assert_num_queries):
    _, _, vectors, serving, agents = stack
    for n in range(12):
        make_tool(f"o/t{n}", category=[vectors, serving, agents][n % 3], score=n, stars=n)

    with django_assert_num_queries(5):  # nothing stored yet: computed, then stored
        summaries = selectors.category_summaries(top=2)
        assert [len(s.top_tools) for s in summaries] == [2, 2, 2]
    with django_assert_num_queries(3):  # layers with their stored summaries, categories, leaders
        summaries = selectors.category_summaries(top=2)
        assert [len(s.top_tools) for s in summaries] == [2, 2, 2]


def test_layer_summaries_total_their_categories(stack):
    _, _, vectors, serving, agents = stack
    make_tool("a/one", category=vectors, stars=100, stars_gained_30d=5, score=1)
    make_tool("a/two", category=serving, stars=50, stars_gained_30d=7, score=9)
    make_tool("a/three", category=serving, stars=50, stars_gained_30d=100, score=3)
    make_tool("b/one", category=agents, stars=None)

    infra, apps = selectors.layer_summaries(top=2)

    assert (infra.layer.slug, infra.tool_count, infra.total_stars) == ("infra", 3, 200)
    assert infra.median_gain_30d == 7.0
    assert infra.category_count == 2
    assert [t.full_name for t in infra.top_tools] == ["a/two", "a/three"]
    assert (apps.tool_count, apps.total_stars, apps.median_gain_30d) == (1, None, None)


def test_landscape_lists_layers_then_categories_with_leaders(stack):
    _, _, vectors, _, agents = stack
    make_tool("a/one", category=vectors, stars=10, score=2)
    make_tool("b/one", category=agents, stars=20, score=3)

    infra, apps = selectors.landscape()

    assert [c.category.slug for c in infra.categories] == ["vector-search", "serving"]
    assert (infra.tool_count, infra.total_stars) == (1, 10)
    assert [t.full_name for t in apps.categories[0].top_tools] == ["b/one"]


def test_tool_history_gives_one_metric_by_date_within_the_range():
    tool = make_tool()
    make_snapshot(tool, date(2025, 1, 3), stars=30, forks=3)
    make_snapshot(tool, date(2025, 1, 1), stars=10, forks=None)
    make_snapshot(tool, date(2025, 1, 2), stars=20, forks=2)

    assert selectors.tool_history(tool=tool) == [
        (date(2025, 1, 1), 10),
        (date(2025, 1, 2), 20),
        (date(2025, 1, 3), 30),
    ]
    assert selectors.tool_history(tool=tool, metric="forks", until=date(2025, 1, 2)) == [
        (date(2025, 1, 1), None),
        (date(2025, 1, 2), 2),
    ]
    assert selectors.tool_history(tool=tool, since=date(2025, 1, 3)) == [(date(2025, 1, 3), 30)]


def test_tool_history_refuses_an_unknown_metric_naming_the_allowed_ones():
    with pytest.raises(ValueError, match="allowed: stars, forks"):
        selectors.tool_history(tool=make_tool(), metric="password")


def test_compare_series_aligns_tools_on_the_union_of_dates_in_one_query(
    django_assert_num_queries,
):
    first, second = make_tool(), make_tool()
    make_snapshot(first, date(2025, 1, 1), stars=1)
    make_snapshot(first, date(2025, 1, 3), stars=3)
    make_snapshot(second, date(2025, 1, 2), stars=20)

    with django_assert_num_queries(1):
        dates, series = selectors.compare_series(tools=[first, second])

    assert dates == [date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3)]
    assert series == {first.pk: [1, None, 3], second.pk: [None, 20, None]}


def test_trending_orders_by_the_window_gain_and_leaves_out_unmeasured_tools(stack):
    _, _, vectors, _, agents = stack
    make_tool("a/slow", category=vectors, stars_gained_7d=5, stars_gained_30d=500)
    make_tool("a/fast", category=vectors, stars_gained_7d=50, stars_gained_30d=50)
    make_tool("a/new", category=vectors, stars_gained_7d=None)
    make_tool("b/agent", category=agents, stars_gained_7d=10)
    make_tool("a/hidden", category=vectors, stars_gained_7d=10_000, hidden=True)

    def names(**kwargs):
        return [row.tool.full_name for row in selectors.trending(**kwargs)]

    assert names(window="7d") == ["a/fast", "b/agent", "a/slow"]
    assert names(window="30d") == ["a/slow", "a/fast"]
    assert names(window="7d", layer="apps") == ["b/agent"]
    assert names(window="7d", category="vector-search", limit=1) == ["a/fast"]


def test_trending_refuses_an_unknown_window():
    with pytest.raises(ValueError, match="allowed: 7d, 30d, 90d"):
        selectors.trending(window="1y")


def test_tool_by_name_finds_a_tool_by_another_case_or_a_former_name():
    tool = make_tool("Qdrant/qdrant")
    FormerName.objects.create(tool=tool, full_name="old/qdrant")

    assert selectors.tool_by_name("Qdrant/qdrant") == (tool, True)
    assert selectors.tool_by_name("qdrant/QDRANT") == (tool, False)
    assert selectors.tool_by_name("OLD/qdrant") == (tool, False)
    assert selectors.tool_by_name("nobody/nothing") is None


def test_trending_damps_a_one_day_spike_below_sustained_growth(stack):
    vectors = stack[2]
    spike = make_tool("a/spike", category=vectors)
    steady = make_tool("a/steady", category=vectors)
    start = date(2025, 3, 1)
    for day in range(15):
        make_snapshot(
            spike, start + timedelta(days=day), stars=100 + day + (1000 if day == 14 else 0)
        )
        make_snapshot(steady, start + timedelta(days=day), stars=100 + 50 * day)
    recompute_rankings(tool_ids=[spike.pk, steady.pk])

    leaders = selectors.trending(window="7d")

    assert [row.tool.full_name for row in leaders] == ["a/steady", "a/spike"]
    assert leaders[0].gain == 350
    assert leaders[1].gain < 20


def test_a_name_with_a_nul_character_finds_nothing_without_asking_the_database(
    django_assert_num_queries,
):
    tool = make_tool("acme/rocket")
    with django_assert_num_queries(0):
        assert selectors.tool_by_name("acme/rocket\x00") is None
        assert selectors.tools_by_names(["acme/\x00rocket", "\x00"]) == {}
    with django_assert_num_queries(1):  # the good name is still looked up, once
        assert selectors.tools_by_names(["acme/rocket", "a\x00/b"]) == {"acme/rocket": tool}


def test_search_choices_offer_the_languages_and_licences_of_public_tools_only(stack):
    vectors = stack[2]
    make_tool("a/one", category=vectors, language="Rust", license_spdx="MIT")
    make_tool("a/two", category=vectors, language="Python", license_spdx="Apache-2.0")
    make_tool("a/three", category=vectors, language="Python", license_spdx="")
    make_tool("a/hidden", category=vectors, language="Go", license_spdx="GPL-3.0", hidden=True)
    make_tool(
        "a/gone", category=vectors, language="C", license_spdx="BSD-3-Clause", status="archived"
    )
    make_tool("a/none", category=vectors, language="", license_spdx="MIT")

    choices = search_form_choices()
    languages, licenses = choices.languages, choices.licenses

    assert languages == ["Python", "Rust"]
    assert licenses == ["Apache-2.0", "MIT"]


def test_search_choices_are_empty_for_an_empty_catalog(stack):
    choices = search_form_choices()
    assert (choices.languages, choices.licenses) == ([], [])


def test_tool_detail_counts_listed_active_peers_in_the_category_and_the_layer(
    stack, django_assert_max_num_queries
):
    vectors, serving = stack[2], stack[3]
    make_tool("a/best", category=vectors, stars=900, score=90)
    make_tool("a/second", category=vectors, stars=500, score=50)
    make_tool("a/served", category=serving, stars=100, score=10)
    make_tool("a/hidden", category=vectors, stars=999, score=99, hidden=True)
    make_tool("a/archived", category=vectors, stars=999, score=99, status="archived")
    recompute_rankings()  # stores the ranks and the layers' summaries

    found = selectors.tool_by_name("a/best", summary=True)
    assert found is not None
    tool = found[0]
    with django_assert_max_num_queries(3):  # as-of, the star series; the peers are stored
        detail = selectors.tool_detail(tool)

    assert (detail.category_rank.rank, detail.category_rank.of) == (1, 2)
    assert (detail.layer_rank.rank, detail.layer_rank.of) == (1, 3)


def test_tool_detail_counts_peers_itself_when_the_layer_has_no_summary(stack):
    vectors = stack[2]
    make_tool("a/best", category=vectors, stars=900, score=90, rank_in_category=1)
    make_tool("a/second", category=vectors, stars=500, score=50)
    make_tool("a/hidden", category=vectors, stars=999, hidden=True)

    found = selectors.tool_by_name("a/best", summary=True)
    assert found is not None
    detail = selectors.tool_detail(found[0])

    assert (detail.category_rank.rank, detail.category_rank.of) == (1, 2)
    assert detail.layer_rank.of == 2
