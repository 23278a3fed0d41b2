"""A small hand-built catalog the page tests look at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache

from catalog.data_version import forget_memo
from catalog.models import Category, Layer, MetricSnapshot, Tool
from catalog.summary_store import summaries_rebuild
from tests.factories import make_category, make_layer, make_snapshot, make_tool

AS_OF = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
SCRIPT = "<script>alert('x')</script>"


@dataclass
class Catalog:
    infra: Layer
    apps: Layer
    vectors: Category
    serving: Category
    agents: Category
    qdrant: Tool
    milvus: Tool
    vllm: Tool
    crew: Tool
    fresh: Tool  # never measured


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The suggestion rate limit lives in the cache: every test starts with a clean one."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_memo():
    """List counts are kept per data version: a rolled-back test can leave a version another
    test's catalog reaches again, so every test starts with none kept."""
    forget_memo()


def history(tool: Tool, *, start: int, daily: int, days: int = 40) -> None:
    """Daily star (and fork/issue) snapshots ending on AS_OF's day."""
    end = AS_OF.date()
    MetricSnapshot.objects.bulk_create(
        MetricSnapshot(
            tool=tool,
            date=end - timedelta(days=back),
            stars=start + daily * (days - back),
            forks=(start + daily * (days - back)) // 10,
            open_issues=5 + back % 3,
        )
        for back in range(days, -1, -1)
    )


@pytest.fixture
def site_catalog(db) -> Catalog:
    infra = make_layer("infrastructure", name="Infrastructure", position=1)
    apps = make_layer("applications", name="Applications", position=2)
    vectors = make_category("vector-search", layer=infra, name="Vector search", position=1)
    serving = make_category("serving", layer=infra, name="Serving", position=2)
    agents = make_category("agents", layer=apps, name="Agents", position=1)
    measured = {"metrics_as_of": AS_OF, "last_refreshed_at": AS_OF}
    qdrant = make_tool(
        "qdrant/qdrant",
        category=vectors,
        description="Vector search engine for the next generation of AI",
        stars=22_000,
        stars_gained_7d=70,
        stars_gained_30d=300,
        stars_gained_90d=900,
        score=80.5,
        rank_in_category=1,
        rank_in_layer=1,
        language="Rust",
        license_spdx="Apache-2.0",
        pushed_at=AS_OF,
        **measured,
    )
    milvus = make_tool(
        "milvus-io/milvus",
        category=vectors,
        description="A cloud-native vector database",
        stars=30_000,
        stars_gained_7d=35,
        stars_gained_30d=150,
        score=70.1,
        rank_in_category=2,
        rank_in_layer=2,
        language="Go",
        license_spdx="Apache-2.0",
        pushed_at=AS_OF - timedelta(days=200),
        **measured,
    )
    vllm = make_tool(
        "vllm-project/vllm",
        category=serving,
        description="High-throughput serving engine for LLMs",
        stars=40_000,
        stars_gained_7d=700,
        stars_gained_30d=3000,
        score=90.0,
        rank_in_category=1,
        rank_in_layer=1,
        language="Python",
        license_spdx="Apache-2.0",
        pushed_at=AS_OF,
        **measured,
    )
    crew = make_tool(
        "crewAIInc/crewAI",
        category=agents,
        description="Framework for orchestrating role-playing agents",
        stars=25_000,
        stars_gained_7d=140,
        stars_gained_30d=600,
        score=75.0,
        rank_in_category=1,
        rank_in_layer=1,
        language="Python",
        license_spdx="MIT",
        pushed_at=AS_OF,
        **measured,
    )
    fresh = make_tool("newcomer/fresh", category=agents, description="Just added")
    history(qdrant, start=21_700, daily=7)
    history(milvus, start=29_850, daily=4)
    history(vllm, start=37_000, daily=75)
    history(crew, start=24_400, daily=15)
    return Catalog(infra, apps, vectors, serving, agents, qdrant, milvus, vllm, crew, fresh)


def many_tools(category: Category, count: int) -> list[Tool]:
    """``count`` measured tools with a little history each, for query-count tests."""
    tools = []
    for n in range(count):
        tool = make_tool(
            f"bulk-{category.slug}-{n}/vector-thing-{n}",
            category=category,
            description="another vector store",
            stars=100 + n,
            stars_gained_30d=n,
            score=float(n % 50),
            metrics_as_of=AS_OF,
        )
        make_snapshot(tool, date(2025, 6, 1), stars=90 + n)
        make_snapshot(tool, AS_OF.date(), stars=100 + n)
        tools.append(tool)
    summaries_rebuild()  # as every write through the importer, admin or services leaves it
    return tools
