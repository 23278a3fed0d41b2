"""Layer and category summaries and the landscape: tool counts, total stars, median 30-day
gain and the leading tools. Re-exported by ``catalog.selectors``, the public face of the
catalog's reads.

The figures are read from the summaries stored when ranks are recomputed
(``catalog.summary_store``), and the leaders (stored as ids) loaded by primary key with the
fields their cards show: three queries (layers with their stored rows, categories, leaders)
whatever the number of tools.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime

from django.db.models import QuerySet

from catalog.data_version import CatalogVersion, by_version, catalog_version
from catalog.models import Category, Layer, Tool
from catalog.names import RepositoryName
from catalog.summary_store import LEADERS, layer_payloads


@dataclass(frozen=True, slots=True)
class Leader(RepositoryName):
    """A leading tool as its card and the API's ``top_tools`` show it: the few fields read,
    as plain values. (Loaded as ``Tool`` instances with ``only()``, Django built a model of
    70 fields, most deferred, per leader: about 3 ms of the landscape's 105 cards.)"""

    id: int
    full_name: str
    display_name: str
    stars: int | None
    stars_gained_7d: int | None
    stars_gained_30d: int | None
    stars_gained_90d: int | None
    score: float | None
    score_provisional: bool
    metrics_as_of: datetime | None
    status: str
    category_id: int


CARD_FIELDS = tuple(item.name for item in fields(Leader))


@dataclass
class CategoryCard:
    category: Category
    tool_count: int
    top_tools: list[Leader] = field(default_factory=list)


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
    top_tools: list[Leader] = field(default_factory=list)


@dataclass
class LayerSummary:
    layer: Layer
    tool_count: int
    total_stars: int | None
    median_gain_30d: float | None
    category_count: int
    top_tools: list[Leader] = field(default_factory=list)


def public_leaders(ids: Iterable[int]) -> dict[int, Leader]:
    """The listed, active tools among ``ids`` by id (one query by primary key; none when
    ``ids`` is empty)."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = Tool.objects.listed().active().filter(id__in=wanted).values_list(*CARD_FIELDS)
    return {row[0]: Leader(*row) for row in rows}


def _leader_ids(figures: Iterable[dict], top: int) -> set[int]:
    if top > LEADERS:
        raise ValueError(f"at most {LEADERS} leaders are stored, {top} asked")
    return {i for group in figures for i in group["leaders"][:top]}


def _leaders(group: dict, top: int, tools: dict[int, Leader]) -> list[Leader]:
    return [tools[i] for i in group["leaders"][:top] if i in tools]


def taxonomy(*, layer: str | None = None) -> tuple[list[Layer], list[Category], dict[int, dict]]:
    """Layers (one, by slug, when given), their categories (in display order, each with its
    layer loaded) and each layer's stored payload: two queries when the summaries are
    current (``summary_store.layer_payloads`` computes any that are not)."""
    layers: QuerySet[Layer] = Layer.objects.select_related("summary").order_by("position", "slug")
    categories = Category.objects.select_related("layer").order_by(
        "layer__position", "layer__slug", "position", "slug"
    )
    if layer is not None:
        layers, categories = layers.filter(slug=layer), categories.filter(layer__slug=layer)
    loaded_layers, loaded_categories = list(layers), list(categories)
    return loaded_layers, loaded_categories, layer_payloads(loaded_layers, loaded_categories)


def landscape(
    *, top_per_category: int = 5, version: CatalogVersion | None = None
) -> list[LayerCard]:
    """Layers → categories → top listed tools by score: read once per data version in this
    process (``catalog.data_version.by_version``; the version is one query unless the caller
    read it, the cards three)."""
    return by_version(
        version or catalog_version(),
        f"summaries.landscape:{top_per_category}",
        lambda: _landscape(top_per_category),
    )


def _landscape(top_per_category: int) -> list[LayerCard]:
    layers, categories, payloads = taxonomy()
    cards = {layer.id: LayerCard(layer=layer, tool_count=0, total_stars=None) for layer in layers}
    for summary in _category_summaries(categories, payloads, top=top_per_category):
        card = cards[summary.category.layer_id]
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
    return list(cards.values())


def _category_summaries(
    categories: list[Category], payloads: dict[int, dict], *, top: int
) -> list[CategorySummary]:
    figures = [payloads[c.layer_id]["categories"][str(c.id)] for c in categories]
    tools = public_leaders(_leader_ids(figures, top))
    return [
        CategorySummary(
            category=category,
            tool_count=group["tool_count"],
            total_stars=group["total_stars"],
            median_gain_30d=group["median_gain_30d"],
            top_tools=_leaders(group, top, tools),
        )
        for category, group in zip(categories, figures, strict=True)
    ]


def category_summaries(*, layer: str | None = None, top: int = 5) -> list[CategorySummary]:
    """Each category (of one layer, by slug, when given) with its totals and leaders
    (at most ``LEADERS``)."""
    _, categories, payloads = taxonomy(layer=layer)
    return _category_summaries(categories, payloads, top=top)


def layer_with_category_summaries(slug: str) -> tuple[Layer, list[CategorySummary]] | None:
    """The layer with this slug and each of its categories' totals, without leaders (the
    layer page), in two queries; None when no layer has that slug."""
    layers, categories, payloads = taxonomy(layer=slug)
    if not layers:
        return None
    return layers[0], _category_summaries(categories, payloads, top=0)


def layer_summaries(*, top: int = 5) -> list[LayerSummary]:
    """Each layer with its tool count, total stars, median 30-day gain and leaders."""
    layers, categories, payloads = taxonomy()
    category_count = {layer.id: 0 for layer in layers}
    for category in categories:
        category_count[category.layer_id] += 1
    tools = public_leaders(_leader_ids(payloads.values(), top))
    return [
        LayerSummary(
            layer=layer,
            tool_count=payloads[layer.id]["tool_count"],
            total_stars=payloads[layer.id]["total_stars"],
            median_gain_30d=payloads[layer.id]["median_gain_30d"],
            category_count=category_count[layer.id],
            top_tools=_leaders(payloads[layer.id], top, tools),
        )
        for layer in layers
    ]
