"""Reads shared by the web pages and the API: one query implementation, two front ends."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, Sum

from catalog.models import Category, FormerName, Layer, Tool


@dataclass
class CategoryCard:
    category: Category
    tool_count: int
    top_tools: list[Tool] = field(default_factory=list)


@dataclass
class LayerCard:
    layer: Layer
    tool_count: int
    total_stars: int
    categories: list[CategoryCard] = field(default_factory=list)


def landscape(*, top_per_category: int = 5) -> list[LayerCard]:
    """Layers → categories → top listed tools by score, in a fixed number of queries."""
    listed = Q(tools__hidden=False, tools__status="active")
    categories = list(
        Category.objects.select_related("layer").annotate(
            tool_count=Count("tools", filter=listed),
            total_stars=Sum("tools__stars", filter=listed),
        )
    )
    top = (
        Tool.objects.listed()
        .active()
        .order_by(F("score").desc(nulls_last=True), F("stars").desc(nulls_last=True), "id")
        .only(
            "id", "full_name", "display_name", "stars", "stars_gained_30d", "score", "category_id"
        )
    )
    # One query for every category's leaders: rank tools within their category in SQL.
    from django.db.models import Window
    from django.db.models.functions import RowNumber

    ranked = top.annotate(
        position=Window(
            RowNumber(),
            partition_by=[F("category_id")],
            order_by=[F("score").desc(nulls_last=True), F("stars").desc(nulls_last=True), F("id")],
        )
    )
    leaders: dict[int, list[Tool]] = {}
    for tool in ranked.filter(position__lte=top_per_category):
        leaders.setdefault(tool.category_id, []).append(tool)

    layers: dict[int, LayerCard] = {}
    for layer in Layer.objects.all():
        layers[layer.id] = LayerCard(layer=layer, tool_count=0, total_stars=0)
    for category in categories:
        card = layers[category.layer_id]
        card.tool_count += category.tool_count
        card.total_stars += category.total_stars or 0
        card.categories.append(
            CategoryCard(
                category=category,
                tool_count=category.tool_count,
                top_tools=leaders.get(category.id, []),
            )
        )
    return list(layers.values())


def tool_by_name(full_name: str) -> tuple[Tool, bool] | None:
    """The tool named ``owner/name``, case-insensitively, or found through a former name.

    Returns ``(tool, canonical)``; ``canonical`` is False when the name given is not the
    tool's current spelling (callers redirect to the canonical URL).
    """
    queryset = (
        Tool.objects.listed()
        .with_placement()
        .prefetch_related(
            Prefetch("former_names", queryset=FormerName.objects.order_by("full_name"))
        )
    )
    tool = queryset.by_full_name(full_name).first()
    if tool is not None:
        return tool, tool.full_name == full_name
    former = (
        FormerName.objects.filter(full_name__iexact=full_name.strip(), tool__hidden=False)
        .select_related("tool")
        .first()
    )
    if former is None:
        return None
    return former.tool, False
