"""Whole-life star charts: linear/log toggle without JavaScript, observed days marked apart from
reconstructed ones, stars per week, and compare aligned on days since creation."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from catalog.history import StarPoint, weekly_gains
from catalog.models import MetricSnapshot
from tests.factories import make_snapshot, make_tool

pytestmark = pytest.mark.django_db

HISTORY = MetricSnapshot.STAR_HISTORY_SOURCE
CREATED = date(2024, 1, 7)  # a Sunday


def _tool_with_history(name: str, *, created: date, days: int, per_day: int, category):
    """``days`` reconstructed days from creation, ``per_day`` stars a day, and an observed
    count on the last day."""
    tool = make_tool(
        name,
        category=category,
        stars=per_day * days,
        repo_created_at=datetime(created.year, created.month, created.day, tzinfo=UTC),
    )
    for n in range(days - 1):
        make_snapshot(tool, created + timedelta(days=n), stars=per_day * (n + 1), source=HISTORY)
    make_snapshot(tool, created + timedelta(days=days - 1), stars=per_day * days, source="graphql")
    return tool


def test_weekly_gains_count_from_zero_when_the_series_starts_at_creation():
    points = [
        StarPoint(date(2024, 1, 7), 5, False),  # Sunday: week 1
        StarPoint(date(2024, 1, 13), 9, False),  # Saturday: still week 1
        StarPoint(date(2024, 1, 14), 10, False),  # week 2
        StarPoint(date(2024, 1, 20), None, True),  # a gap: not a count
        StarPoint(date(2024, 1, 28), 30, True),  # week 4 (week 3 has no count)
    ]

    assert weekly_gains(points, created=date(2024, 1, 7)) == [
        (date(2024, 1, 7), 9),
        (date(2024, 1, 14), 1),
        (date(2024, 1, 28), 20),
    ]
    # Without the creation day the first week's gain is unknown and left out.
    assert weekly_gains(points, created=None)[0] == (date(2024, 1, 14), 1)


def test_the_tool_page_chart_spans_the_whole_life_and_marks_observed_days(client, site_catalog):
    tool = _tool_with_history(
        "acme/rocket", created=CREATED, days=100, per_day=3, category=site_catalog.agents
    )

    page = client.get(tool.get_absolute_url()).content.decode()

    last = (CREATED + timedelta(days=99)).isoformat()
    assert f"acme/rocket from {CREATED.isoformat()} to {last}, between 3 and 300" in page
    # One observed day, dotted in the wide and the narrow drawing; the rest reconstructed.
    assert page.count('<circle class="observed"') == 2
    assert f"{last}: 300 stars (observed)" in page
    assert "Dots are days a refresh observed (1)" in page
    assert "reconstructed from GitHub's star history (99 days)" in page
    assert '<td>2024-04-15</td><td class="num">300</td><td>observed</td>' in page
    assert "reconstructed</td>" in page
    # Stars per week: 15 weeks, 21 stars in each full one.
    assert "15 weeks from 2024-01-07 to 2024-04-14" in page
    assert "week of 2024-01-14: +21 stars" in page


def test_the_scale_toggle_is_a_plain_link_and_log_draws_powers_of_ten(client, site_catalog):
    tool = _tool_with_history(
        "acme/rocket", created=CREATED, days=100, per_day=30, category=site_catalog.agents
    )

    linear = client.get(tool.get_absolute_url()).content.decode()
    log = client.get(tool.get_absolute_url(), {"scale": "log"}).content.decode()

    assert 'href="?scale=log">log</a>' in linear
    assert 'data-scale="linear"' in linear
    assert 'href="?scale=linear">linear</a>' in log
    assert '<strong aria-current="true">log</strong>' in log
    assert 'data-scale="log"' in log
    ticks = re.findall(
        r'text-anchor="end">([^<]+)</text>', log.split('data-chart="star-history"')[1]
    )
    assert ticks[:5] == ["1", "10", "100", "1k", "3k"]  # powers of ten, and the top (3,000)
    assert "<script>" not in log  # no inline script: CSP forbids it


def test_an_unknown_scale_is_refused_naming_the_parameter(client, site_catalog):
    response = client.get(site_catalog.qdrant.get_absolute_url(), {"scale": "cubic"})

    assert response.status_code == 400
    assert "scale: must be one of linear, log" in response.content.decode()


def test_compare_aligns_histories_on_days_since_creation(client, site_catalog):
    old = _tool_with_history(
        "acme/old", created=CREATED, days=60, per_day=5, category=site_catalog.agents
    )
    young = _tool_with_history(
        "acme/young", created=date(2025, 3, 2), days=30, per_day=9, category=site_catalog.agents
    )
    tools = f"{old.full_name},{young.full_name}"

    by_date = client.get("/compare/", {"tools": tools}).content.decode()
    by_age = client.get("/compare/", {"tools": tools, "align": "age"}).content.decode()

    assert "from 2024-01-07 to 2025-03-31" in by_date
    assert "from day 0 to day 59" in by_age  # both start at day 0; the older runs longer
    assert "Stars by days since creation" in by_age
    assert 'data-axis="age"' in by_age
    assert "day 29: 270 stars (observed)" in by_age
    assert (
        'href="/compare/?tools=acme/old,acme/young&amp;align=age">days since creation</a>'
        in by_date
    )
    assert (
        'href="/compare/?tools=acme/old,acme/young&amp;scale=log&amp;align=age">log</a>' in by_age
    )


def test_compare_refuses_an_unknown_alignment_naming_the_parameter(client, site_catalog):
    response = client.get(
        "/compare/", {"tools": "qdrant/qdrant,milvus-io/milvus", "align": "alphabet"}
    )

    assert response.status_code == 400
    assert "align: must be one of date, age" in response.content.decode()


def test_the_linear_scale_is_labelled_with_round_numbers(client, site_catalog):
    tool = _tool_with_history(
        "acme/rocket", created=CREATED, days=100, per_day=327, category=site_catalog.agents
    )

    page = client.get(tool.get_absolute_url()).content.decode()

    chart = page.split('data-chart="star-history"')[1].split("</svg>")[0]
    ticks = re.findall(r'text-anchor="end">([^<]+)</text>', chart)
    # 32,700 stars at the top: 0, 10k, 20k, 30k — not 8175.0, 16350.0, …
    assert ticks[:4] == ["0", "10k", "20k", "30k"]


def test_a_long_history_labels_the_years_between_its_ends(client, site_catalog):
    tool = _tool_with_history(
        "acme/rocket",
        created=date(2021, 3, 1),
        days=4 * 365,
        per_day=3,
        category=site_catalog.agents,
    )

    page = client.get(tool.get_absolute_url()).content.decode()

    chart = page.split('data-chart="star-history"')[1].split("</svg>")[0]
    labels = re.findall(r'text-anchor="middle">([^<]+)</text>', chart)
    assert labels == ["2022", "2023", "2024"]  # the ends carry full dates already
