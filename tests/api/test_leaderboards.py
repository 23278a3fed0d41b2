"""Rankings, trending and compare."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.caching import forget_memo
from api.views.leaderboards import RANKING_METRICS
from catalog import selectors
from tests.factories import make_category, make_tool

pytestmark = pytest.mark.django_db


def names(response, key: str = "results") -> list[str]:
    assert response.status_code == 200, response.content
    return [item["full_name"] for item in response.json()[key]]


def test_rankings_rank_by_the_metric_asked_best_first(api, api_catalog):
    response = api.get("/api/v1/rankings/", {"by": "stars"})
    body = response.json()
    assert (body["by"], body["label"]) == ("stars", "Stars")
    assert [(item["rank"], item["full_name"]) for item in body["results"]] == [
        (1, "crew/crew"),
        (2, "qdrant/qdrant"),
        (3, "tiny/swarm"),
    ]  # chroma is not measured yet: it has no place on a star leaderboard


def test_rankings_default_to_score_and_take_filters_and_a_limit(api, api_catalog):
    assert names(api.get("/api/v1/rankings/")) == ["crew/crew", "qdrant/qdrant", "tiny/swarm"]
    by_layer = api.get("/api/v1/rankings/", {"by": "gained_30d", "layer": "models", "limit": 1})
    assert names(by_layer) == ["crew/crew"]
    newest = api.get("/api/v1/rankings/", {"by": "created_at", "category": "agent-frameworks"})
    assert names(newest) == ["tiny/swarm", "crew/crew"]


def test_rankings_export_as_csv_with_the_rank(api, api_catalog):
    response = api.get("/api/v1/rankings/", {"by": "stars", "format": "csv", "limit": 2})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["rank"], row["full_name"], row["stars"]) for row in rows] == [
        ("1", "crew/crew", "30000"),
        ("2", "qdrant/qdrant", "25000"),
    ]


def test_trending_lists_the_largest_gains_of_the_window(api, api_catalog):
    body = api.get("/api/v1/trending/", {"window": "7d"}).json()
    assert body["window"] == "7d"
    ranked = [(i["rank"], i["full_name"], i["gain"]) for i in body["results"]]
    # The stored (already spike-damped) 7-day gains; unmeasured chroma is left out, not 0.
    assert ranked == [(1, "crew/crew", 300), (2, "qdrant/qdrant", 120), (3, "tiny/swarm", 0)]


def test_trending_uses_the_stored_gain_when_there_are_no_snapshots(api, api_catalog):
    body = api.get("/api/v1/trending/", {"window": "30d", "category": "agent-frameworks"})
    swarm = next(item for item in body.json()["results"] if item["full_name"] == "tiny/swarm")
    assert swarm["gain"] == 20


def test_trending_filters_by_layer_or_category(api, api_catalog):
    assert names(api.get("/api/v1/trending/", {"layer": "data"})) == ["qdrant/qdrant"]
    agents = api.get("/api/v1/trending/", {"category": "agent-frameworks", "window": "90d"})
    assert names(agents) == ["crew/crew", "tiny/swarm"]


def test_trending_exports_as_csv(api, api_catalog):
    response = api.get("/api/v1/trending/", {"format": "csv", "layer": "models"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["rank"], row["full_name"], row["gain"]) for row in rows] == [
        ("1", "crew/crew", "1500"),
        ("2", "tiny/swarm", "20"),
    ]


def test_compare_puts_tools_side_by_side_on_the_same_dates(api, api_catalog):
    body = api.get("/api/v1/compare/", {"tools": "crew/crew,qdrant/qdrant"}).json()
    assert body["metric"] == "stars"
    assert body["dates"] == ["2026-10-30", "2026-11-09", "2026-11-19", "2026-11-28", "2026-11-29"]
    series = {tool["full_name"]: tool["series"] for tool in body["tools"]}
    assert series == {
        "crew/crew": [28500, 29000, None, None, 30000],
        "qdrant/qdrant": [None, None, 24500, 25000, None],
    }
    assert [tool["stars"] for tool in body["tools"]] == [30000, 25000]


def test_compare_finds_a_tool_by_its_former_name(api, api_catalog):
    body = api.get("/api/v1/compare/", {"tools": "joao/crewai,tiny/swarm"}).json()
    assert [tool["full_name"] for tool in body["tools"]] == ["crew/crew", "tiny/swarm"]


@pytest.mark.parametrize(
    ("url", "params", "status", "parameter"),
    [
        ("/api/v1/rankings/", {"by": "-stars"}, 400, "by"),
        ("/api/v1/rankings/", {"by": "name"}, 400, "by"),
        ("/api/v1/rankings/", {"limit": "0"}, 400, "limit"),
        ("/api/v1/rankings/", {"limit": "201"}, 400, "limit"),
        ("/api/v1/rankings/", {"limit": "ten"}, 400, "limit"),
        ("/api/v1/rankings/", {"layer": "nope"}, 400, "layer"),
        ("/api/v1/rankings/", {"category": "nope"}, 400, "category"),
        ("/api/v1/rankings/", {"stars_min": "x"}, 400, "stars_min"),
        ("/api/v1/trending/", {"window": "1y"}, 400, "window"),
        ("/api/v1/trending/", {"layer": "nope"}, 400, "layer"),
        ("/api/v1/trending/", {"category": "llms,agent-frameworks"}, 400, "category"),
        ("/api/v1/trending/", {"limit": "500"}, 400, "limit"),
        ("/api/v1/compare/", {}, 400, "tools"),
        ("/api/v1/compare/", {"tools": "crew/crew"}, 400, "tools"),
        ("/api/v1/compare/", {"tools": ",".join(f"a/t{n}" for n in range(11))}, 400, "tools"),
        ("/api/v1/compare/", {"tools": "crew/crew,joao/crewai"}, 400, "tools"),
        ("/api/v1/compare/", {"tools": "crew/crew,nobody/nothing"}, 404, "tools"),
        ("/api/v1/compare/", {"tools": "crew/crew,not-a-name"}, 404, "tools"),
        ("/api/v1/compare/", {"tools": "crew/crew,tiny/swarm", "metric": "x"}, 400, "metric"),
        ("/api/v1/compare/", {"tools": "crew/crew,tiny/swarm", "since": "x"}, 400, "since"),
        ("/api/v1/categories/", {"layer": "nope"}, 400, "layer"),
    ],
)
def test_bad_leaderboard_input_is_a_4xx_naming_the_parameter(
    api, api_catalog, url, params, status, parameter
):
    response = api.get(url, params)
    assert response.status_code == status, response.content
    assert response.json()["parameter"] == parameter


def test_an_unknown_window_lists_the_windows(api, api_catalog):
    assert api.get("/api/v1/trending/", {"window": "1y"}).json()["allowed"] == ["7d", "30d", "90d"]


def test_rankings_treat_every_metric_as_best_first(api, api_catalog):
    ranked = api.get("/api/v1/rankings/", {"by": "pushed_at"}).json()["results"]
    assert [item["full_name"] for item in ranked] == ["crew/crew", "qdrant/qdrant", "tiny/swarm"]


def test_trending_skips_tools_without_enough_history(api, api_catalog):
    category = make_category("new")
    make_tool("new/born", category=category, stars=10)  # gain NULL: too young to trend
    assert "new/born" not in names(api.get("/api/v1/trending/", {"limit": 200}))


@pytest.mark.parametrize("by", RANKING_METRICS)
def test_every_leaderboard_metric_answers(api, api_catalog, by):
    response = api.get("/api/v1/rankings/", {"by": by, "format": "csv"})
    assert response.status_code == 200
    assert response.content.decode().startswith("rank,full_name,")


@pytest.mark.parametrize("metric", list(selectors.HISTORY_METRICS))
def test_every_history_metric_answers_in_history_and_compare(api, api_catalog, metric):
    history = api.get("/api/v1/tools/crew/crew/history/", {"metric": metric})
    assert history.status_code == 200
    assert len(history.json()["points"]) == 4
    compare = api.get("/api/v1/compare/", {"tools": "crew/crew,qdrant/qdrant", "metric": metric})
    assert compare.status_code == 200
    assert len(compare.json()["dates"]) == 5


def test_a_leaderboard_runs_the_same_queries_for_5_or_50_tools(api, db):
    category = make_category("bulk")
    for n in range(60):
        tool = make_tool(f"bulk/t{n:03}", category=category, stars=n + 1, score=float(n))
        tool.topics.create(name=f"topic-{n}")

    def queries(limit: int) -> int:
        forget_memo()  # cold: the taxonomy read again
        with CaptureQueriesContext(connection) as captured:
            response = api.get("/api/v1/rankings/", {"category": "bulk", "limit": limit})
        results = response.json()["results"]
        assert [row["rank"] for row in results] == list(range(1, limit + 1))
        assert results[0]["topics"] == ["topic-59"]  # the best score first, its topics read
        return len(captured)

    assert queries(5) == queries(50) <= 6


def test_trending_runs_the_same_few_queries_for_5_or_50_tools(api, db):
    category = make_category("bulk")
    for n in range(60):
        tool = make_tool(
            f"bulk/t{n:03}", category=category, stars=n + 1, stars_gained_30d=n, score=1.0
        )
        tool.topics.create(name=f"topic-{n}")

    def queries(limit: int) -> int:
        forget_memo()  # cold: the taxonomy read again
        with CaptureQueriesContext(connection) as captured:
            response = api.get("/api/v1/trending/", {"category": "bulk", "limit": limit})
        results = response.json()["results"]
        assert [row["rank"] for row in results] == list(range(1, limit + 1))
        assert [row["gain"] for row in results[:2]] == [59, 58]  # the largest gain first
        assert results[0]["topics"] == ["topic-59"]
        return len(captured)

    # The data version (the catalog's as-of with it), the taxonomy, the rows with their topics.
    assert queries(5) == queries(50) <= 3
