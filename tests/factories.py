"""Test data builders, in one place. Each returns a saved object with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from catalog.models import Category, Layer, MetricSnapshot, Tool

_sequence = itertools.count(1)


def make_layer(slug: str | None = None, **fields) -> Layer:
    n = next(_sequence)
    slug = slug or f"layer-{n}"
    defaults = {"name": slug.replace("-", " ").title(), "position": n}
    return Layer.objects.create(slug=slug, **{**defaults, **fields})


def make_category(slug: str | None = None, *, layer: Layer | None = None, **fields) -> Category:
    n = next(_sequence)
    slug = slug or f"category-{n}"
    layer = layer or make_layer()
    defaults = {"name": slug.replace("-", " ").title(), "position": n}
    return Category.objects.create(slug=slug, layer=layer, **{**defaults, **fields})


def make_tool(full_name: str | None = None, *, category: Category | None = None, **fields) -> Tool:
    n = next(_sequence)
    full_name = full_name or f"owner{n}/tool{n}"
    category = category or make_category()
    tool = Tool(full_name=full_name, category=category, **fields)
    tool.search_document = tool.compose_search_document([])
    tool.save()
    return tool


def make_snapshot(tool: Tool, day: date, **metrics) -> MetricSnapshot:
    return MetricSnapshot.objects.create(tool=tool, date=day, **metrics)


def when(day: str) -> datetime:
    """An ISO day (or date-time) as an aware UTC datetime: ``when("2026-11-28")``."""
    return datetime.fromisoformat(day).replace(tzinfo=UTC)
