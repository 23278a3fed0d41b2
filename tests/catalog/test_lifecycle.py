"""Lifecycle labels: the rules on synthetic series, the API filter and the tool page's badge."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from catalog.lifecycle import lifecycle
from tests.factories import make_tool

TODAY = date(2026, 12, 1)


def series(recent: int, before: int, *, start: int = 1000) -> list[tuple[date, int]]:
    """Counts 180 and 90 days ago and today: ``before`` gained in the older window,
    ``recent`` in the last one."""
    return [
        (TODAY - timedelta(days=180), start),
        (TODAY - timedelta(days=90), start + before),
        (TODAY, start + before + recent),
    ]


def label(points, *, created_days_ago=1000, pushed_days_ago=3, archived=False) -> str:
    return lifecycle(
        points,
        today=TODAY,
        created=TODAY - timedelta(days=created_days_ago),
        pushed=TODAY - timedelta(days=pushed_days_ago),
        archived=archived,
    )


@pytest.mark.parametrize(
    ("points", "options", "expected"),
    [
        (series(500, 100), {"archived": True}, "archived"),  # archived wins over everything
        (series(500, 100), {"pushed_days_ago": 180}, "dormant"),
        (series(500, 100), {"pushed_days_ago": 179}, "rising"),
        (series(50, 0), {"created_days_ago": 89}, "new"),
        (series(125, 100), {}, "rising"),  # 1.25x the window before
        (series(124, 100), {}, "steady"),
        (series(40, 100), {}, "declining"),  # 40 % of the window before
        (series(41, 100), {}, "steady"),
        (series(-5, 3), {}, "declining"),  # lost stars
        (series(4, 3, start=1000), {}, "plateaued"),  # under 0.5 % of 1,007
        (series(20, 20, start=1000), {}, "steady"),
        (series(500, 100)[1:], {}, ""),  # the series does not reach 180 days back
    ],
)
def test_each_label_follows_its_rule(points, options, expected):
    assert label(points, **options) == expected


@pytest.mark.django_db
def test_the_api_filters_on_lifecycle_and_names_a_bad_value(client):
    make_tool("acme/riser", stars=10, lifecycle="rising")
    make_tool("acme/flat", stars=10, lifecycle="plateaued")

    rising = client.get("/api/v1/tools/", {"lifecycle": "rising"}).json()
    both = client.get("/api/v1/tools/", {"lifecycle": "rising,plateaued"}).json()
    bad = client.get("/api/v1/tools/", {"lifecycle": "booming"})

    assert [t["full_name"] for t in rising["results"]] == ["acme/riser"]
    assert rising["results"][0]["lifecycle"] == "rising"
    assert {t["full_name"] for t in both["results"]} == {"acme/riser", "acme/flat"}
    assert bad.status_code == 400
    assert "lifecycle" in bad.content.decode()


@pytest.mark.django_db
def test_the_tool_page_shows_the_label_with_its_rule(client):
    tool = make_tool(
        "acme/riser", stars=10, lifecycle="rising", metrics_as_of=datetime(2026, 12, 1, tzinfo=UTC)
    )

    page = client.get(tool.get_absolute_url()).content.decode()

    assert 'class="badge lifecycle lifecycle-rising"' in page
    assert "The last 90 days gained at least 1.25 times the 90 days before" in page
