"""Layer and category summaries and the landscape: tool counts, total stars, median 30-day
gain and the leading tools, each in a fixed number of queries. Re-exported by
``catalog.selectors``, the public face of the catalog's reads."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from catalog.models import Category, Layer, Tool

_CARD_FIELDS = (
    "id",
    "full_name",
    "display_name",
    "stars",
    "stars_gained_7d",
    "stars_gained_30d",
    "stars_gained_90d",
    "score",
    "score_provisional",
    "metrics_as_of",
    "status",
    "category_id",
)
_BY_SCORE = (F("score").desc(nulls_last=True), F("stars").desc(nulls_last=True), F("id").asc())


@dataclass
class CategoryCard:
    category: Category
    tool_count: int
    top_tools: list[Tool] = field(default_factory=list)


@dataclass
class LayerCard:
    layer: Layer
    tool_count: int
    total_stars: int | None  # None when no tool in the layer has been measured yet
    categories: list[CategoryCard] = field(default_factory=list)


@dataclass
class CategorySummary:
    category: Category
    tool_count: int
    total_stars: int | None  # None when no tool in it has been measured yet
    median_gain_30d: float | None  # None when no tool has 30 days of history
    top_tools: list[Tool] = field(default_factory=list)


@dataclass
class LayerSummary:
    layer: Layer
    tool_count: int
    total_stars: int | None
    median_gain_30d: float | None
    category_count: int
    top_tools: list[Tool] = field(default_factory=list)


def _leaders(partition: str, *, limit: int, queryset: QuerySet[Tool]) -> dict[int, list[Tool]]:
    """The top ``limit`` tools by score within each value of ``partition``, in one query."""
    ranked = queryset.annotate(
        position=Window(RowNumber(), partition_by=[F(partition)], order_by=list(_BY_SCORE)),
        group_key=F(partition),
    ).only(*_CARD_FIELDS)
    leaders: dict[int, list[Tool]] = defaultdict(list)
    for tool in ranked.filter(position__lte=limit).order_by("group_key", "position"):
        leaders[tool.group_key].append(tool)
    return leaders


def _median(values: Iterable[int]) -> float | None:
    values = list(values)
    return float(statistics.median(values)) if values else None


def landscape(*, top_per_category: int = 5) -> list[LayerCard]:
    """Layers → categories → top listed tools by score, in a fixed number of queries."""
    summaries = category_summaries(top=top_per_category)
    layers = {
        layer.id: LayerCard(layer=layer, tool_count=0, total_stars=None) for layer in _layers()
    }
    for summary in summaries:
        card = layers[summary.category.layer_id]
        card.tool_count += summary.tool_count
        if summary.total_stars is not None:
            card.total_stars = (card.total_stars or 0) + summary.total_stars
        card.categories.append(
            CategoryCard(
                category=summary.category,
                tool_count=summary.tool_count,
                top_tools=summary.top_tools,
            )
        )
    return list(layers.values())


def _layers() -> QuerySet[Layer]:
    return Layer.objects.all()


def category_summaries(*, layer: str | None = None, top: int = 5) -> list[CategorySummary]:
    """Each category (of one layer, by slug, when given) with its totals and leaders.

    Four queries whatever the number of categories or tools.
    """
    listed = Q(tools__hidden=False, tools__status="active")
    categories = (
        Category.objects.select_related("layer")
        .annotate(
            tool_count=Count("tools", filter=listed),
            total_stars=Sum("tools__stars", filter=listed),
        )
        .order_by("layer__position", "layer__slug", "position", "slug")
    )
    tools = Tool.objects.listed().active()
    if layer is not None:
        categories = categories.filter(layer__slug=layer)
        tools = tools.filter(category__layer__slug=layer)
    gains = _gains_30d_by("category_id", tools)
    leaders = _leaders("category_id", limit=top, queryset=tools) if top else {}
    return [
        CategorySummary(
            category=category,
            tool_count=category.tool_count,
            total_stars=category.total_stars,
            median_gain_30d=_median(gains[category.id]),
            top_tools=leaders.get(category.id, []),
        )
        for category in categories
    ]


def _gains_30d_by(key: str, tools) -> dict[int, list[int]]:
    """The measured 30-day gains of ``tools``, grouped by ``key`` (one query)."""
    gains: dict[int, list[int]] = defaultdict(list)
    for group, gain in tools.filter(stars_gained_30d__isnull=False).values_list(
        key, "stars_gained_30d"
    ):
        gains[group].append(gain)
    return gains


def layer_summaries(*, top: int = 5) -> list[LayerSummary]:
    """Each layer with its tool count, total stars, median 30-day gain and leaders."""
    listed = Q(categories__tools__hidden=False, categories__tools__status="active")
    layers = Layer.objects.annotate(
        tool_count=Count("categories__tools", filter=listed),
        total_stars=Sum("categories__tools__stars", filter=listed),
        category_count=Count("categories", distinct=True),
    ).order_by("position", "slug")
    tools = Tool.objects.listed().active()
    gains = _gains_30d_by("category__layer_id", tools)
    leaders = _leaders("category__layer_id", limit=top, queryset=tools) if top else {}
    return [
        LayerSummary(
            layer=layer,
            tool_count=layer.tool_count,
            total_stars=layer.total_stars,
            median_gain_30d=_median(gains[layer.id]),
            category_count=layer.category_count,
            top_tools=leaders.get(layer.id, []),
        )
        for layer in layers
    ]
