"""Every public ordering of GET /api/v1/tools/ and /api/v1/rankings/ gives the exact order,
in JSON and in CSV: hand-built tools with a different value in every ordered field, one tie
(broken by the tool id, the older tool first) and one tool measured in nothing (always last).
"""

from __future__ import annotations

import csv
import io

import pytest

from catalog.tool_queries import ORDERINGS
from tests.factories import make_category, make_tool, when

pytestmark = pytest.mark.django_db


@pytest.fixture
def tools():
    place = make_category("things")
    rows = {
        # stars: cat and dog tie at 300 (cat was created first, so it has the lower id).
        "ant": dict(stars=400, stars_gained_7d=1, stars_gained_30d=30, stars_gained_90d=200,
                    growth_30d=2.0, score=10.0, activity=0.4, pushed_at=when("2026-01-04"),
                    repo_created_at=when("2021-01-01"), contributors=3, forks=100),
        "bee": dict(stars=100, stars_gained_7d=4, stars_gained_30d=10, stars_gained_90d=300,
                    growth_30d=4.0, score=40.0, activity=0.2, pushed_at=when("2026-01-01"),
                    repo_created_at=when("2024-01-01"), contributors=1, forks=300),
        "cat": dict(stars=300, stars_gained_7d=2, stars_gained_30d=40, stars_gained_90d=100,
                    growth_30d=1.0, score=30.0, activity=0.1, pushed_at=when("2026-01-03"),
                    repo_created_at=when("2022-01-01"), contributors=4, forks=200),
        "dog": dict(stars=300, stars_gained_7d=3, stars_gained_30d=20, stars_gained_90d=400,
                    growth_30d=3.0, score=20.0, activity=0.3, pushed_at=when("2026-01-02"),
                    repo_created_at=when("2023-01-01"), contributors=2, forks=400),
        "eel": {},  # never measured: every metric NULL
    }  # fmt: skip
    names = {"ant": "Ant/one", "bee": "bee/two", "cat": "cat/three", "dog": "dog/four"}
    for key, fields in rows.items():
        make_tool(names.get(key, "eel/none"), category=place, **fields)
    return names


EXPECTED = {
    "stars": "bee cat dog ant eel",
    "-stars": "ant cat dog bee eel",
    "gained_7d": "ant cat dog bee eel",
    "-gained_7d": "bee dog cat ant eel",
    "gained_30d": "bee dog ant cat eel",
    "-gained_30d": "cat ant dog bee eel",
    "gained_90d": "cat ant bee dog eel",
    "-gained_90d": "dog bee ant cat eel",
    "growth": "cat ant dog bee eel",
    "-growth": "bee dog ant cat eel",
    "score": "ant dog cat bee eel",
    "-score": "bee cat dog ant eel",
    "activity": "cat bee dog ant eel",
    "-activity": "ant dog bee cat eel",
    "pushed_at": "bee dog cat ant eel",
    "-pushed_at": "ant cat dog bee eel",
    "created_at": "ant cat dog bee eel",
    "-created_at": "bee dog cat ant eel",
    "contributors": "bee dog ant cat eel",
    "-contributors": "cat ant dog bee eel",
    "forks": "ant cat bee dog eel",
    "-forks": "dog bee cat ant eel",
    "name": "ant bee cat dog eel",  # case-insensitive: "Ant/one" first
    "-name": "eel dog cat bee ant",
}


def test_every_ordering_has_an_expected_order_here():
    assert set(EXPECTED) == set(ORDERINGS) - {"relevance"}


def _listed(response) -> list[str]:
    assert response.status_code == 200, response.content
    if response["Content-Type"].startswith("text/csv"):
        body = b"".join(response.streaming_content) if response.streaming else response.content
        rows = csv.DictReader(io.StringIO(body.decode()))
        full_names = [row["full_name"] for row in rows]
    else:
        full_names = [item["full_name"] for item in response.json()["results"]]
    return [name.split("/")[0].lower() for name in full_names]


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("ordering", list(EXPECTED))
def test_the_list_gives_the_exact_order_for_every_ordering(api, tools, ordering, fmt):
    response = api.get("/api/v1/tools/", {"ordering": ordering, "format": fmt})
    assert _listed(response) == EXPECTED[ordering].split()


@pytest.mark.parametrize("by", [key for key in EXPECTED if key.startswith("-") and key != "-name"])
def test_rankings_give_the_descending_order_without_unmeasured_tools(api, tools, by):
    response = api.get("/api/v1/rankings/", {"by": by.removeprefix("-"), "format": "json"})
    measured = [key for key in EXPECTED[by].split() if key != "eel"]
    assert _listed(response) == measured
    assert [item["rank"] for item in response.json()["results"]] == [1, 2, 3, 4]
