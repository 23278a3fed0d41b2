"""Fixtures for the REST API tests: clients, a staff token and a small hand-built catalog."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest
from django.contrib.auth import get_user_model
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from api.caching import forget_memo
from catalog.models import FormerName, Topic
from catalog.summary_store import summaries_rebuild
from tests.factories import make_category, make_layer, make_snapshot, make_tool, when


@pytest.fixture(autouse=True)
def _fresh_throttle_history(monkeypatch):
    """Throttling counts requests in a cache: give every test its own, empty one (never
    flush the shared cache — under CI it is the Redis database Celery also uses)."""
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache(f"throttle-{uuid4()}", {}))


@pytest.fixture(autouse=True)
def _fresh_memo():
    """Values kept per data version (row counts, the taxonomy) start empty in every test: a
    rolled-back test can leave a version another test's catalog reaches again."""
    forget_memo()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def staff_token(db) -> Token:
    user = get_user_model().objects.create_user("curator", password="x", is_staff=True)
    return Token.objects.create(user=user)


@pytest.fixture
def curator(staff_token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {staff_token.key}")
    return client


@pytest.fixture
def api_catalog(db):
    """Two layers, three categories, four listed tools (one renamed), plus hidden/archived."""
    models = make_layer("models", name="Models")
    data = make_layer("data", name="Data")
    agents = make_category("agent-frameworks", layer=models, name="Agent frameworks")
    llms = make_category("llms", layer=models, name="LLMs")
    vectors = make_category("vector-databases", layer=data, name="Vector databases")
    as_of = when("2026-11-28")
    common = {"metrics_as_of": as_of, "rankings_computed_at": as_of, "score_version": "1"}
    tools = {
        "crew": make_tool(
            "crew/crew",
            category=agents,
            stars=30000,
            stars_gained_7d=300,
            stars_gained_30d=1500,
            stars_gained_90d=4000,
            growth_30d=5.3,
            score=81.0,
            rank_in_category=1,
            rank_in_layer=1,
            contributors=200,
            forks=4000,
            language="Python",
            license_spdx="MIT",
            description="Multi-agent orchestration",
            pushed_at=when("2026-11-27"),
            repo_created_at=when("2023-10-01"),
            **common,
        ),
        "swarm": make_tool(
            "tiny/swarm",
            category=agents,
            stars=800,
            stars_gained_7d=0,
            stars_gained_30d=20,
            stars_gained_90d=60,
            growth_30d=2.5,
            score=40.0,
            rank_in_category=2,
            rank_in_layer=2,
            language="TypeScript",
            license_spdx="GPL-3.0",
            description="Lightweight agent swarm",
            pushed_at=when("2026-06-01"),
            repo_created_at=when("2025-02-01"),
            **common,
        ),
        "qdrant": make_tool(
            "qdrant/qdrant",
            category=vectors,
            stars=25000,
            stars_gained_7d=120,
            stars_gained_30d=600,
            stars_gained_90d=1800,
            growth_30d=2.4,
            score=77.0,
            rank_in_category=1,
            rank_in_layer=1,
            language="Rust",
            license_spdx="Apache-2.0",
            description="Vector similarity search engine",
            homepage="https://qdrant.tech",
            pushed_at=when("2026-11-26"),
            repo_created_at=when("2020-05-30"),
            **common,
        ),
        "chroma": make_tool(
            "chroma-core/chroma",
            category=vectors,
            stars=None,
            language="Python",
            license_spdx="Apache-2.0",
            description="The AI-native embedding database",
        ),
    }
    make_tool("secret/stealth", category=agents, hidden=True, stars=99999, score=99.0)
    make_tool("old/retired", category=llms, status="archived", stars=5000, score=10.0)
    FormerName.objects.create(tool=tools["crew"], full_name="joao/crewai")
    tools["crew"].topics.add(Topic.objects.create(name="agents"), Topic.objects.create(name="llm"))
    start = date(2026, 10, 30)
    for offset, stars in enumerate([28500, 29000, None, 30000]):
        make_snapshot(tools["crew"], start + timedelta(days=10 * offset), stars=stars, forks=4000)
    make_snapshot(tools["qdrant"], date(2026, 11, 19), stars=24500)
    make_snapshot(tools["qdrant"], date(2026, 11, 28), stars=25000)
    summaries_rebuild()  # as the ranking's last step leaves an imported catalog
    return tools
