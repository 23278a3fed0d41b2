"""One tool: detail with score breakdown and ranks, former names, and the metric history."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.django_db

DETAIL = "/api/v1/tools/crew/crew/"
HISTORY = "/api/v1/tools/crew/crew/history/"


def test_detail_gives_the_score_breakdown_that_adds_up(api, api_catalog):
    body = api.get(DETAIL).json()
    breakdown = body["score_breakdown"]
    assert breakdown["version"]
    names = [component["name"] for component in breakdown["components"]]
    assert "stars" in names
    assert "activity" in names
    total = sum(component["contribution"] for component in breakdown["components"])
    assert total == pytest.approx(breakdown["score"], abs=0.05)
    assert body["former_names"] == ["joao/crewai"]


def test_detail_gives_the_rank_within_category_and_layer(api, api_catalog):
    ranks = api.get(DETAIL).json()["ranks"]
    # agent-frameworks holds crew and swarm (the hidden tool does not count); models adds none.
    assert ranks == {"category": {"rank": 1, "of": 2}, "layer": {"rank": 1, "of": 2}}


def test_a_former_name_answers_301_to_the_canonical_url(api, api_catalog):
    response = api.get("/api/v1/tools/joao/crewai/")
    assert response.status_code == 301
    assert response["Location"] == DETAIL


def test_another_spelling_of_the_name_redirects_keeping_the_query(api, api_catalog):
    response = api.get("/api/v1/tools/Crew/CREW/history/", {"metric": "forks"})
    assert response.status_code == 301
    assert response["Location"] == HISTORY + "?metric=forks"


@pytest.mark.parametrize("path", ["nobody/nothing", "secret/stealth"])
def test_an_unknown_or_hidden_tool_is_a_json_404(api, api_catalog, path):
    response = api.get(f"/api/v1/tools/{path}/")
    assert response.status_code == 404
    assert response.json()["parameter"] == "tool"
    assert path in response.json()["detail"]


def test_history_is_the_daily_series_with_gaps_as_null(api, api_catalog):
    body = api.get(HISTORY).json()
    assert body["tool"] == "crew/crew"
    assert body["metric"] == "stars"
    assert body["points"] == [
        {"date": "2026-10-30", "value": 28500},
        {"date": "2026-11-09", "value": 29000},
        {"date": "2026-11-19", "value": None},
        {"date": "2026-11-29", "value": 30000},
    ]


def test_history_takes_a_metric_and_a_date_range(api, api_catalog):
    body = api.get(HISTORY, {"metric": "forks", "since": "2026-11-01", "until": "2026-11-20"})
    assert [point["value"] for point in body.json()["points"]] == [4000, 4000]


def test_history_exports_as_csv(api, api_catalog):
    response = api.get(HISTORY, {"format": "csv", "until": "2026-11-19"})
    assert response.status_code == 200
    assert 'filename="crew-crew-stars.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["date", "value"],
        ["2026-10-30", "28500"],
        ["2026-11-09", "29000"],
        ["2026-11-19", ""],
    ]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"metric": "likes"}, "metric"),
        ({"since": "2026-13-01"}, "since"),
        ({"until": "soon"}, "until"),
        ({"since": "2026-11-20", "until": "2026-11-01"}, "since"),
    ],
)
def test_bad_history_parameters_are_400_naming_them(api, api_catalog, params, parameter):
    response = api.get(HISTORY, params)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_an_unknown_metric_lists_the_metrics(api, api_catalog):
    allowed = api.get(HISTORY, {"metric": "likes"}).json()["allowed"]
    assert allowed == ["stars", "forks", "watchers", "open_issues", "contributors"]


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/tools/crew%00/crew/", "tool"),
        ("/api/v1/tools/crew/crew%00/history/", "tool"),
        ("/api/v1/compare/?tools=crew/crew,qdrant%00/qdrant", "tools"),
    ],
)
def test_a_nul_in_a_tool_name_is_a_404_naming_the_parameter(api, api_catalog, url, parameter):
    response = api.get(url)
    assert response.status_code == 404
    assert response.json()["parameter"] == parameter
