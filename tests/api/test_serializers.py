"""List rows are built directly (``ToolSerializer._row``), not field by field through DRF: the JSON
must be exactly what DRF's own field-by-field path gives, for every kind of value."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from api.serializers import RankedToolSerializer, ToolSerializer
from catalog.models import Tool, Topic
from tests.factories import make_category, make_tool, when

pytestmark = pytest.mark.django_db


def _drf(serializer: ToolSerializer, tool: Tool) -> dict:
    """What DRF's ModelSerializer gives, field by field."""
    return dict(serializers.ModelSerializer.to_representation(serializer, tool))


@pytest.fixture
def tools(db) -> list[Tool]:
    category = make_category("agents")
    full = make_tool(
        "crew/crew.ai_x-1",
        category=category,
        display_name="Crew",
        description="Multi-agent =orchestration",
        stars=30000,
        forks=4000,
        watchers=10,
        open_issues=3,
        open_pull_requests=2,
        contributors=200,
        contributors_is_lower_bound=True,
        commits_90d=40,
        release_count=12,
        last_release_at=when("2026-11-01T10:20:30.123456"),
        pushed_at=when("2026-11-27"),
        repo_created_at=when("2023-10-01"),
        metrics_as_of=when("2026-11-28"),
        stars_gained_7d=300,
        stars_gained_30d=1500,
        stars_gained_90d=-4,
        growth_30d=5.3,
        gains_window_end=date(2026, 11, 28),
        activity=0.75,
        score=81.0,
        score_provisional=True,
        score_version="2",
        rank_in_category=1,
        rank_in_layer=4,
        rankings_computed_at=when("2026-11-28"),
        homepage="https://crew.example",
        featured=True,
        language="Python",
        license_spdx="MIT",
    )
    full.topics.add(Topic.objects.create(name="llm"), Topic.objects.create(name="agents"))
    bare = make_tool("someone/empty", category=category, github_homepage="https://gh.example")
    odd = make_tool("ünï/cödé", category=category, status="archived", archived=True)
    return [full, bare, odd]


@pytest.mark.parametrize("serializer_class", [ToolSerializer, RankedToolSerializer])
def test_a_lean_row_is_exactly_what_drf_gives(tools, serializer_class):
    request = APIRequestFactory().get("/api/v1/tools/")
    context = {"request": request, "ranks": {tool.pk: n for n, tool in enumerate(tools, 1)}}
    serializer = serializer_class(context=context)
    for tool in Tool.objects.with_placement().filter(pk__in=[t.pk for t in tools]):
        lean = serializer.to_representation(tool)
        assert lean == _drf(serializer, tool)
        assert list(lean) == list(serializer_class.Meta.fields)  # the same order of keys


def test_links_of_a_plain_and_an_unusual_name_are_what_reverse_gives(tools, settings):
    settings.ALLOWED_HOSTS = ["strata.example"]
    request = APIRequestFactory().get("/api/v1/tools/", HTTP_HOST="strata.example")
    serializer = ToolSerializer(context={"request": request})
    rows = {
        tool.full_name: serializer.to_representation(tool)["links"]
        for tool in Tool.objects.with_placement().filter(pk__in=[t.pk for t in tools])
    }
    assert rows["crew/crew.ai_x-1"]["detail"] == (
        "http://strata.example/api/v1/tools/crew/crew.ai_x-1/"
    )
    assert rows["crew/crew.ai_x-1"]["history"] == (
        "http://strata.example/api/v1/tools/crew/crew.ai_x-1/history/"
    )
    assert rows["crew/crew.ai_x-1"]["web"] == "http://strata.example/tools/crew/crew.ai_x-1/"
    assert rows["ünï/cödé"]["detail"] == (
        "http://strata.example/api/v1/tools/%C3%BCn%C3%AF/c%C3%B6d%C3%A9/"
    )
    assert rows["someone/empty"]["homepage"] == "https://gh.example"


def test_datetimes_follow_the_current_time_zone_as_drf_does(tools, settings):
    settings.TIME_ZONE = "America/New_York"
    request = APIRequestFactory().get("/api/v1/tools/")
    serializer = ToolSerializer(context={"request": request})
    tool = Tool.objects.with_placement().get(pk=tools[0].pk)
    lean = serializer.to_representation(tool)
    assert lean == _drf(serializer, tool)
    assert lean["last_release_at"] == "2026-11-01T05:20:30.123456-05:00"


def test_an_autocomplete_item_is_what_its_documented_serializer_gives(db):
    from api.views.autocomplete import SuggestionSerializer, suggestion

    category = make_category("vector-stores")
    measured = make_tool("Qdrant/qdrant", category=category, display_name="Qdrant", stars=25000)
    unmeasured = make_tool("new/thing", category=category, display_name="", stars=None)
    for tool in Tool.objects.with_placement().filter(pk__in=[measured.pk, unmeasured.pk]):
        assert suggestion(tool) == SuggestionSerializer(tool).data
    assert suggestion(unmeasured)["stars"] is None
