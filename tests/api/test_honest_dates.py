"""Honest dates and order in the API: one catalog-wide as-of, gains only when current,
provisional scores above unmeasured tools. Expected values are worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from catalog.ranking.writer import recompute_rankings
from tests.factories import make_category, make_snapshot, make_tool, when

pytestmark = pytest.mark.django_db


@pytest.fixture
def dated():
    """A tool measured on the catalog's newest day, one last seen a year earlier, and one
    never measured."""
    category = make_category()
    fresh = make_tool("now/fresh", category=category, stars=1100, metrics_as_of=when("2026-08-17"))
    make_snapshot(fresh, date(2026, 8, 10), stars=1000)
    make_snapshot(fresh, date(2026, 8, 17), stars=1100)
    old = make_tool("then/old", category=category, stars=900, metrics_as_of=when("2025-06-26"))
    make_snapshot(old, date(2025, 6, 19), stars=500)
    make_snapshot(old, date(2025, 6, 26), stars=900)
    make_tool("never/measured", category=category)
    recompute_rankings()
    return category


def test_list_responses_carry_the_catalog_as_of(api, dated):
    assert api.get("/api/v1/tools/").json()["catalog_as_of"] == "2026-08-17"
    assert api.get("/api/v1/trending/").json()["catalog_as_of"] == "2026-08-17"
    assert api.get("/api/v1/rankings/").json()["catalog_as_of"] == "2026-08-17"


def test_gains_a_year_behind_the_catalog_are_not_trending(api, dated):
    # then/old gained 400 in its week, but that week ended 14 months before the catalog's as-of.
    body = api.get("/api/v1/trending/", {"window": "7d"}).json()
    assert [(item["full_name"], item["gain"]) for item in body["results"]] == [("now/fresh", 100)]
    by_gain = api.get("/api/v1/rankings/", {"by": "gained_7d"}).json()
    assert [item["full_name"] for item in by_gain["results"]] == ["now/fresh"]


def test_a_tool_with_stars_but_no_current_trend_sorts_between_scored_and_unmeasured(api, dated):
    body = api.get("/api/v1/tools/", {"ordering": "-score"}).json()
    rows = [(i["full_name"], i["score_provisional"], i["gains_current"]) for i in body["results"]]
    assert rows == [
        ("now/fresh", False, True),
        ("then/old", True, False),
        ("never/measured", False, False),
    ]


def test_the_tool_detail_says_why_its_gains_are_not_current(api, dated):
    body = api.get("/api/v1/tools/then/old/").json()
    assert body["stars_gained_7d"] is None
    assert body["gains_current"] is False
    assert body["gains_window_end"] == "2025-06-26"
    assert body["gains_reason"] == (
        "not current: its latest star count is from 26 Jun 2025, more than 7 days before "
        "the catalog's newest figures (17 Aug 2026)"
    )
    breakdown = body["score_breakdown"]
    assert breakdown["provisional"] is True
    assert breakdown["reason"].startswith("provisional: its latest star count is from 26 Jun")
    # Stars only (no activity or contributors known): 100 × 0.30 × log(901) / log(200,001)
    # = 30 × 6.80351 / 12.20608 = 16.72
    assert body["score"] == pytest.approx(16.72, abs=0.01)
    momentum = next(c for c in breakdown["components"] if c["name"] == "momentum")
    assert momentum["note"].startswith("not current:")
    assert momentum["contribution"] == 0


def test_a_current_tool_has_no_reason(api, dated):
    body = api.get("/api/v1/tools/now/fresh/").json()
    assert (body["gains_current"], body["gains_reason"]) == (True, "")
    assert body["score_breakdown"]["provisional"] is False
    assert body["stars_gained_7d"] == 100
