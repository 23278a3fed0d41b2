"""The Tool changelist: search, filters, and a fixed number of queries per page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import (
    MetricSnapshot,
    Tool,
    Topic,
)
from tests.catalog.admin.helpers import (
    admin_url,
    changelist_names,
    count_queries,
)
from tests.factories import make_category, make_snapshot, make_tool

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "term",
    ["acme/engine", "ENGINE", "fast inference", "inference"],
    ids=["owner/name", "name in another case", "description words", "topic"],
)
def test_tool_search_finds_a_tool_by_name_description_or_topic(admin_client, admin_catalog, term):
    assert changelist_names(admin_client, {"q": term}) == {"acme/engine"}


@pytest.mark.parametrize("term", ["c++ & ':*|!(", "  ", "ünïcode"])
def test_tool_search_survives_punctuation_and_finds_nothing_odd(admin_client, admin_catalog, term):
    names = changelist_names(admin_client, {"q": term})

    assert names == ({"acme/engine", "zeta/db"} if not term.strip() else set())


def test_tool_search_matches_the_start_of_a_word(admin_client, admin_catalog):
    assert changelist_names(admin_client, {"q": "infer"}) == {"acme/engine"}


def test_tool_search_by_display_name(admin_client, admin_catalog):
    tool = admin_catalog["bystander"]
    tool.display_name = "Zeta Store"
    tool.search_document = tool.compose_search_document()
    tool.save()

    assert changelist_names(admin_client, {"q": "zeta store"}) == {"zeta/db"}


def test_a_tool_with_several_matching_topics_is_listed_once(admin_client, admin_catalog):
    tool = admin_catalog["tool"]
    tool.topics.add(Topic.objects.create(name="inference-server"))
    tool.search_document = tool.compose_search_document()
    tool.save()

    response = admin_client.get(admin_url(Tool, "changelist"), {"q": "inference"})

    assert [t.full_name for t in response.context["cl"].result_list] == ["acme/engine"]


def tool_filters(admin_catalog) -> list[tuple[dict, set[str]]]:
    return [
        ({"layer": admin_catalog["layer"].pk}, {"acme/engine"}),
        ({"category": admin_catalog["other"].pk}, {"zeta/db", "no/language"}),
        ({"status__exact": "active"}, {"acme/engine", "zeta/db", "no/language"}),
        ({"language": "Go"}, {"zeta/db"}),
        ({"license_spdx": "Apache-2.0"}, {"acme/engine"}),
        ({"featured__exact": "1"}, set()),
        ({"hidden__exact": "0"}, {"acme/engine", "zeta/db", "no/language"}),
        ({"deprecated__exact": "0"}, {"acme/engine", "zeta/db", "no/language"}),
        ({"refresh": "failing"}, {"acme/engine"}),
        ({"refresh": "never"}, {"zeta/db"}),
        ({"refresh": "skipped"}, {"acme/engine"}),  # 3 failures, the ceiling below
        ({"refresh": "ok"}, {"no/language"}),
        ({"language": ""}, {"no/language"}),
    ]


def test_each_tool_filter_narrows_the_list(admin_client, admin_catalog, settings):
    settings.REFRESH_MAX_CONSECUTIVE_FAILURES = 3
    make_tool("no/language", category=admin_catalog["other"], last_refreshed_at=timezone.now())
    for params, expected in tool_filters(admin_catalog):
        assert changelist_names(admin_client, params) == expected, params


def test_the_filter_sidebar_offers_categories_with_their_layer_and_each_language_once(
    admin_client, admin_catalog
):
    make_tool(category=admin_catalog["other"], language="Rust")

    response = admin_client.get(admin_url(Tool, "changelist"))

    assert "Models › LLM serving" in response.text
    filters = {
        s.title: getattr(s, "lookup_choices", None) for s in response.context["cl"].filter_specs
    }
    assert filters["language"] == [("Go", "Go"), ("Rust", "Rust")]
    assert filters["licence"] == [("", "(none)"), ("Apache-2.0", "Apache-2.0")]


# --- Speed: a fixed number of queries per page ----------------------------------------------


def test_the_tool_changelist_runs_the_same_queries_for_5_and_50_rows(admin_client):
    categories = [make_category() for _ in range(5)]
    url = admin_url(Tool, "changelist")
    for n in range(5):
        make_tool(category=categories[n % 5], stars=n)
    admin_client.get(url)  # warm the session and content-type caches
    few = count_queries(admin_client, url)

    for n in range(45):
        make_tool(category=categories[n % 5], stars=n)
    many = count_queries(admin_client, url)

    assert Tool.objects.count() == 50
    assert few == many


def test_the_snapshot_changelist_runs_the_same_queries_for_5_and_50_rows(admin_client):
    tools = [make_tool() for _ in range(10)]
    url = admin_url(MetricSnapshot, "changelist")
    for n in range(5):
        make_snapshot(tools[n], date(2026, 1, 1), stars=n)
    admin_client.get(url)
    few = count_queries(admin_client, url)

    for n in range(45):
        make_snapshot(tools[n % 10], date(2026, 1, 2) + timedelta(days=n), stars=n)
    many = count_queries(admin_client, url)

    assert MetricSnapshot.objects.count() == 50
    assert few == many


def test_the_big_lists_never_count_every_filter_choice(admin_client, admin_catalog):
    for model in (Tool, MetricSnapshot):
        page = admin_client.get(admin_url(model, "changelist"), {"_facets": "True"})

        assert page.status_code == 200
        assert "Show counts" not in page.text
        assert "Hide counts" not in page.text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
def test_an_unfiltered_big_list_takes_its_count_from_the_planner_not_count_star(
    admin_client, monkeypatch
):
    from catalog.admin import paging

    tool = make_tool()
    for n in range(30):
        make_snapshot(tool, date(2026, 1, 1) + timedelta(days=n), stars=n)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_metricsnapshot")
    monkeypatch.setattr(paging, "EXACT_COUNT_BELOW", 10)

    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(admin_url(MetricSnapshot, "changelist"))

    assert page.context["cl"].result_count == 30
    assert not [
        q for q in queries if 'COUNT(*) AS "__count" FROM "catalog_metricsnapshot"' in q["sql"]
    ]
    filtered = admin_client.get(admin_url(MetricSnapshot, "changelist"), {"q": tool.full_name})
    assert filtered.context["cl"].result_count == 30  # a filtered list counts exactly
