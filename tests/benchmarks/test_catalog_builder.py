"""The benchmark's catalog builder, at 200 tools: the shape `make bench` relies on, so the
harness cannot rot unnoticed (the benchmark itself never runs in CI)."""

from __future__ import annotations

import statistics
from datetime import timedelta

import pytest

from benchmarks.catalog import DAYS, build_catalog
from catalog.models import Category, MetricSnapshot, Tool

pytestmark = pytest.mark.django_db

TOOLS = 200


@pytest.fixture
def built():
    return build_catalog(TOOLS, seed=3)


def test_every_measured_tool_has_a_daily_history(built):
    measured = Tool.objects.filter(stars__isnull=False)
    assert Tool.objects.count() == TOOLS == built.tools
    assert MetricSnapshot.objects.count() == measured.count() * DAYS == built.snapshots
    tool = measured.order_by("-stars").first()
    days = list(tool.snapshots.order_by("date").values_list("date", "stars"))
    assert days[-1][0] - days[0][0] == timedelta(days=DAYS - 1)
    assert days[-1][1] == tool.stars
    assert [stars for _, stars in days] == sorted(stars for _, stars in days)


def test_gains_agree_with_the_history(built):
    for tool in Tool.objects.filter(stars__isnull=False)[:20]:
        stars = dict(tool.snapshots.values_list("date", "stars"))
        newest = max(stars)
        assert tool.stars_gained_7d == stars[newest] - stars[newest - timedelta(days=7)]
        assert tool.stars_gained_30d == stars[newest] - stars[newest - timedelta(days=30)]


def test_stars_are_heavy_tailed_and_categories_uneven(built):
    stars = list(Tool.objects.filter(stars__isnull=False).values_list("stars", flat=True))
    assert max(stars) > 10 * statistics.median(stars)
    sizes = sorted(c.tools.count() for c in Category.objects.all())
    assert sizes[-1] >= 4 * max(sizes[0], 1)


def test_some_tools_are_archived_hidden_or_unmeasured():
    build_catalog(2000, seed=5, days=2)  # rare kinds need a bigger sample; a short history
    assert Tool.objects.filter(status="archived", archived=True).exists()
    assert Tool.objects.filter(hidden=True).exists()
    assert Tool.objects.filter(stars__isnull=True).exists()


def test_ranks_in_a_category_run_from_one_without_gaps(built):
    for category in Category.objects.all():
        ranks = list(
            category.tools.filter(rank_in_category__isnull=False).values_list(
                "rank_in_category", flat=True
            )
        )
        assert sorted(ranks) == list(range(1, len(ranks) + 1))


def test_the_api_lists_the_built_catalog(built, client):
    listed = Tool.objects.filter(hidden=False, status="active").count()
    answer = client.get("/api/v1/tools/?ordering=-stars")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == listed
    listed_measured = Tool.objects.filter(hidden=False, status="active", stars__isnull=False)
    top = listed_measured.order_by("-stars", "id").first()
    assert body["results"][0]["full_name"] == top.full_name


def test_building_again_replaces_the_catalog(built):
    again = build_catalog(50, seed=4)
    assert Tool.objects.count() == 50 == again.tools
    assert MetricSnapshot.objects.count() == again.snapshots
