"""The survey statistics, computed from hand-built tools."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from catalog.stats import survey_stats
from tests.factories import make_category, make_layer, make_tool

pytestmark = pytest.mark.django_db


def created(year: int) -> datetime:
    return datetime(year, 6, 1, tzinfo=UTC)


@pytest.fixture
def stack():
    apps, infra = make_layer("apps"), make_layer("infra")
    agents = make_category("agents", layer=apps)
    vectors = make_category("vectors", layer=infra)
    # Ten agent tools: one giant holds most of the stars.
    make_tool("a/giant", category=agents, stars=9100, stars_gained_7d=50,
              repo_created_at=created(2023), license_spdx="MIT", language="Python")  # fmt: skip
    for n in range(9):
        make_tool(f"a/small{n}", category=agents, stars=100, stars_gained_7d=0 if n < 6 else 3,
                  repo_created_at=created(2024), license_spdx="MIT", language="Python")  # fmt: skip
    make_tool("v/one", category=vectors, stars=500, repo_created_at=created(2025),
              license_spdx="Apache-2.0", language="Rust")  # fmt: skip
    make_tool("v/unmeasured", category=vectors)
    make_tool("a/hidden", category=agents, hidden=True, stars=10**6, repo_created_at=created(2026))
    make_tool("a/archived", category=agents, status="archived", stars=10**6)
    return apps, infra


def test_tools_are_counted_by_creation_year_per_layer_and_category(stack):
    years = survey_stats()["tools_by_creation_year"]
    assert years["layers"] == [
        {"layer": "apps", "years": [{"year": 2023, "tools": 1}, {"year": 2024, "tools": 9}]},
        {"layer": "infra", "years": [{"year": 2025, "tools": 1}, {"year": None, "tools": 1}]},
    ]
    assert [row["category"] for row in years["categories"]] == ["agents", "vectors"]


def test_the_top_tenth_share_of_stars_per_category(stack):
    rows = {row["category"]: row for row in survey_stats()["star_concentration"]}
    assert rows["agents"] == {
        "category": "agents",
        "layer": "apps",
        "measured_tools": 10,
        "top_tools": 1,
        "top_share_of_stars": 0.91,  # 9100 of 10000
    }
    assert rows["vectors"]["measured_tools"] == 1  # the unmeasured tool is not a zero
    assert rows["vectors"]["top_share_of_stars"] == 1.0


def test_the_share_of_tools_that_gained_no_stars_in_a_week(stack):
    stalled = survey_stats()["stalled_last_7_days"]
    assert (stalled["measured_tools"], stalled["stalled_tools"], stalled["share"]) == (10, 6, 0.6)
    infra = next(row for row in stalled["layers"] if row["layer"] == "infra")
    assert infra == {"layer": "infra", "measured_tools": 0, "stalled_tools": 0, "share": None}


def test_licences_and_languages_per_layer(stack):
    mix = {row["layer"]: row for row in survey_stats()["licenses_and_languages"]}
    assert mix["apps"]["licenses"] == [{"name": "MIT", "tools": 10}]
    assert mix["infra"]["languages"] == [{"name": "Rust", "tools": 1}, {"name": None, "tools": 1}]


def test_newest_entrants_come_first_and_hidden_tools_never_appear(stack):
    newest = [row["full_name"] for row in survey_stats()["newest_entrants"]]
    assert newest[0] == "v/one"
    assert "a/hidden" not in newest
    assert len(newest) == 10


def test_an_empty_catalog_gives_empty_answers_not_errors(db):
    stats = survey_stats()
    assert stats["stalled_last_7_days"]["share"] is None
    assert stats["newest_entrants"] == []
    assert stats["star_concentration"] == []
